package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one login-flow step writes besides its flow record, for an
 * {@link AtomicStepRepository} to apply in the same transaction as the flow update.
 *
 * @param credentialUses successful logins to record ({@link CredentialRepository#recordUse})
 * @param newCredentials credentials to store ({@link CredentialRepository#saveCredential}); a
 *     credential whose id is already stored for the same user handle with the same public key
 *     counts as stored
 * @param statusChanges status changes, each applied only while the credential still has its
 *     expected status
 * @param attempts history entries ({@link LoginAttemptRepository#append}), each with an attempt id
 */
public record StepWrites(
        List<CredentialUse> credentialUses,
        List<StoredCredential> newCredentials,
        List<StatusChange> statusChanges,
        List<LoginAttempt> attempts) {

    private static final StepWrites NONE = new StepWrites(List.of(), List.of(), List.of(), List.of());

    public StepWrites {
        credentialUses = List.copyOf(credentialUses);
        newCredentials = List.copyOf(newCredentials);
        statusChanges = List.copyOf(statusChanges);
        attempts = List.copyOf(attempts);
    }

    /** No writes besides the flow record. */
    public static StepWrites none() {
        return NONE;
    }

    /** Whether there is nothing to write besides the flow record. */
    public boolean isEmpty() {
        return credentialUses.isEmpty() && newCredentials.isEmpty() && statusChanges.isEmpty() && attempts.isEmpty();
    }

    /**
     * A successful login with a credential, as {@link CredentialRepository#recordUse} records it.
     *
     * @param signatureCount the new signature count, an unsigned 32-bit value
     */
    public record CredentialUse(
            Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
        public CredentialUse {
            Objects.requireNonNull(credentialId, "credentialId");
            Objects.requireNonNull(usedAt, "usedAt");
            Objects.requireNonNull(usedOn, "usedOn");
            if (signatureCount < 0 || signatureCount > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(
                        "signatureCount must be an unsigned 32-bit value, was " + signatureCount);
            }
        }
    }

    /**
     * Sets a credential's status to {@code to}, but only while it is {@code expected}; a credential
     * that is missing or has another status is left alone.
     */
    public record StatusChange(Bytes credentialId, CredentialStatus expected, CredentialStatus to) {
        public StatusChange {
            Objects.requireNonNull(credentialId, "credentialId");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(to, "to");
        }
    }
}
