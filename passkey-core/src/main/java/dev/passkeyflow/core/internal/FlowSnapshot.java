package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The immutable state of one flow, as stored (serialised by {@link SnapshotCodec}) between
 * requests, grouped by concern: who and where ({@link Subject}), the challenge in flight
 * ({@link Pending}), the passkey attempts ({@link Passkey}), the traditional login
 * ({@link Fallback}), the offer of a new passkey ({@link Healing}) and the last step's
 * {@link StepReceipt} with its effects. A step changes a snapshot only with the {@code with...}
 * copies below; the version is left to the store.
 *
 * @param version the storage version this snapshot was loaded at (not serialised)
 * @param pending the challenge in flight; {@code null} when nothing is pending
 * @param method how the user authenticated; {@code null} until someone did
 * @param receipt the call that moved the flow into this state and the digest of what that call
 *     proved; a repeat of exactly that call gets this state's step again, anything else is a new
 *     call ({@code null} for a state made by {@code start} or {@code enrol})
 * @param pendingEffects writes of that call not yet applied (only without an atomic step store)
 */
record FlowSnapshot(
        String flowId,
        long version,
        FlowState state,
        Subject subject,
        @Nullable Pending pending,
        Passkey passkey,
        Fallback fallback,
        @Nullable AuthenticationMethod method,
        Healing healing,
        @Nullable StepReceipt receipt,
        List<Effect> pendingEffects) {

    FlowSnapshot {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(passkey, "passkey");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(healing, "healing");
        pendingEffects = List.copyOf(pendingEffects);
    }

    /**
     * Whom the flow is for and from where; fixed at the start except the user handle, which a
     * successful traditional login may fill in.
     */
    record Subject(
            String identifier, @Nullable Bytes userHandle, ClientContext client, Instant createdAt, Instant expiresAt) {
        Subject {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * The ceremony in flight.
     *
     * @param requestJson Yubico's {@code toJson()} of the pending assertion request or creation options
     * @param issuedAt when its challenge was issued
     */
    record Pending(String requestJson, Instant issuedAt) {
        Pending {
            Objects.requireNonNull(requestJson, "requestJson");
            Objects.requireNonNull(issuedAt, "issuedAt");
        }
    }

    /**
     * The passkey attempts of this flow.
     *
     * @param attempts challenges handed out so far
     * @param consecutiveFailures failures since the last success or retry chosen by the user
     * @param failures the latest failures, at most the flow's maximum of passkey attempts
     */
    record Passkey(
            boolean autoStart,
            boolean calmRetry,
            int attempts,
            int consecutiveFailures,
            List<PasskeyFailure> failures) {
        static final Passkey NONE = new Passkey(false, false, 0, 0, List.of());

        Passkey {
            failures = List.copyOf(failures);
        }
    }

    /**
     * The traditional login.
     *
     * @param reason why the flow fell back; {@code null} while it has not
     * @param failures failed traditional logins reported by the host
     */
    record Fallback(@Nullable FallbackReason reason, int failures) {
        static final Fallback NONE = new Fallback(null, 0);
    }

    /**
     * The offer of a new passkey and what became of it.
     *
     * @param kind the offer; {@code null} when none was made
     * @param replacedCredentials credentials the new passkey replaces, flagged {@code replacedStatus}
     *     once it is stored
     * @param result set when the flow completes
     * @param newCredentialId the stored new passkey
     * @param silent whether the pending offer is silent (conditional create: the browser may create
     *     the passkey without a dialog and without user presence)
     */
    record Healing(
            @Nullable HealingKind kind,
            FailureDiagnosis diagnosis,
            ClientPlatform platform,
            Set<Bytes> replacedCredentials,
            CredentialStatus replacedStatus,
            @Nullable HealingResult result,
            @Nullable Bytes newCredentialId,
            boolean silent) {
        Healing {
            Objects.requireNonNull(diagnosis, "diagnosis");
            Objects.requireNonNull(platform, "platform");
            replacedCredentials = Set.copyOf(replacedCredentials);
            Objects.requireNonNull(replacedStatus, "replacedStatus");
        }

        static Healing none(ClientPlatform platform) {
            return new Healing(
                    null,
                    FailureDiagnosis.unknown(),
                    platform,
                    Set.of(),
                    CredentialStatus.SUSPECTED_BROKEN,
                    null,
                    null,
                    false);
        }

        /** An offer: its kind, the advisor's diagnosis and platform, and what it replaces. */
        Healing offer(
                HealingKind offered,
                FailureDiagnosis why,
                ClientPlatform on,
                Set<Bytes> replaced,
                CredentialStatus status) {
            return new Healing(offered, why, on, replaced, status, result, newCredentialId, false);
        }

        Healing diagnosed(FailureDiagnosis why) {
            return new Healing(
                    kind, why, platform, replacedCredentials, replacedStatus, result, newCredentialId, silent);
        }

        Healing diagnosed(FailureDiagnosis why, ClientPlatform on) {
            return new Healing(kind, why, on, replacedCredentials, replacedStatus, result, newCredentialId, silent);
        }

        Healing ended(HealingResult value, @Nullable Bytes stored) {
            return new Healing(kind, diagnosis, platform, replacedCredentials, replacedStatus, value, stored, silent);
        }

        /** The same offer, silent (conditional create) or explicit. */
        Healing silently(boolean value) {
            return new Healing(
                    kind, diagnosis, platform, replacedCredentials, replacedStatus, result, newCredentialId, value);
        }
    }

    /** A fresh flow in state {@link FlowState#NEW}. */
    static FlowSnapshot fresh(
            String flowId,
            String identifier,
            @Nullable Bytes userHandle,
            ClientContext client,
            Instant now,
            Instant expiresAt) {
        return new FlowSnapshot(
                flowId,
                0,
                FlowState.NEW,
                new Subject(identifier, userHandle, client, now, expiresAt),
                null,
                Passkey.NONE,
                Fallback.NONE,
                null,
                Healing.none(ClientPlatform.of(client)),
                null,
                List.of());
    }

    String identifier() {
        return subject.identifier();
    }

    @Nullable
    Bytes userHandle() {
        return subject.userHandle();
    }

    ClientContext client() {
        return subject.client();
    }

    Instant expiresAt() {
        return subject.expiresAt();
    }

    /** The pending request's JSON, or {@code null} when nothing is pending. */
    @Nullable
    String pendingRequestJson() {
        return pending == null ? null : pending.requestJson();
    }

    /** The same snapshot at another storage version. */
    FlowSnapshot atVersion(long newVersion) {
        return new FlowSnapshot(
                flowId,
                newVersion,
                state,
                subject,
                pending,
                passkey,
                fallback,
                method,
                healing,
                receipt,
                pendingEffects);
    }

    FlowSnapshot withState(FlowState value) {
        return new FlowSnapshot(
                flowId, version, value, subject, pending, passkey, fallback, method, healing, receipt, pendingEffects);
    }

    FlowSnapshot withUserHandle(Bytes value) {
        Subject s =
                new Subject(subject.identifier(), value, subject.client(), subject.createdAt(), subject.expiresAt());
        return new FlowSnapshot(
                flowId, version, state, s, pending, passkey, fallback, method, healing, receipt, pendingEffects);
    }

    /**
     * A usernameless flow taken over by the owner of the credential that is being verified: its
     * user handle and identifier (the only change of identifier a flow ever makes).
     */
    FlowSnapshot withOwner(Bytes handle, String ownerIdentifier) {
        Subject s = new Subject(ownerIdentifier, handle, subject.client(), subject.createdAt(), subject.expiresAt());
        return new FlowSnapshot(
                flowId, version, state, s, pending, passkey, fallback, method, healing, receipt, pendingEffects);
    }

    FlowSnapshot withPending(@Nullable Pending value) {
        return new FlowSnapshot(
                flowId, version, state, subject, value, passkey, fallback, method, healing, receipt, pendingEffects);
    }

    FlowSnapshot withPasskey(Passkey value) {
        return new FlowSnapshot(
                flowId, version, state, subject, pending, value, fallback, method, healing, receipt, pendingEffects);
    }

    FlowSnapshot withFallback(Fallback value) {
        return new FlowSnapshot(
                flowId, version, state, subject, pending, passkey, value, method, healing, receipt, pendingEffects);
    }

    FlowSnapshot withMethod(AuthenticationMethod value) {
        return new FlowSnapshot(
                flowId, version, state, subject, pending, passkey, fallback, value, healing, receipt, pendingEffects);
    }

    FlowSnapshot withHealing(Healing value) {
        return new FlowSnapshot(
                flowId, version, state, subject, pending, passkey, fallback, method, value, receipt, pendingEffects);
    }

    /** The call that makes this state and its proof, with the effects still to be applied. */
    FlowSnapshot committed(StepReceipt value, List<Effect> effects) {
        return new FlowSnapshot(
                flowId, version, state, subject, pending, passkey, fallback, method, healing, value, effects);
    }

    /** The effects have been applied; the receipt stays, so a retry of that call is recognised. */
    FlowSnapshot effectsApplied() {
        return committed(Objects.requireNonNull(receipt, "receipt"), List.of());
    }
}
