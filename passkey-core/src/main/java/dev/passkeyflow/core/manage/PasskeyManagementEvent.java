package dev.passkeyflow.core.manage;

import dev.passkeyflow.storage.Bytes;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A change made through {@link PasskeyManager}, for audit and analytics. Published after the change
 * is stored, stamped with the manager's clock. Carries no names the user typed beyond the new
 * nickname, and no keys.
 */
public sealed interface PasskeyManagementEvent {

    Instant at();

    /** The account whose passkey changed. */
    Bytes userHandle();

    record PasskeyRenamed(
            Instant at,
            Bytes userHandle,
            Bytes credentialId,
            @Nullable String nickname) implements PasskeyManagementEvent {}

    record PasskeyDeleted(Instant at, Bytes userHandle, Bytes credentialId) implements PasskeyManagementEvent {}

    record PasskeyRetired(Instant at, Bytes userHandle, Bytes credentialId) implements PasskeyManagementEvent {}

    /** The host reported a new name or display name for the account. */
    record ProfileChanged(Instant at, Bytes userHandle) implements PasskeyManagementEvent {}

    /** The user started adding a passkey; its completion is a {@code LoginFlowEvent.Enrolled}. */
    record PasskeyAddStarted(Instant at, Bytes userHandle, String flowId) implements PasskeyManagementEvent {}
}
