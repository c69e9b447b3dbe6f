package dev.passkeyflow.core.internal;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A write a step makes outside the flow record. With an atomic step store the effects are written
 * in the commit's transaction ({@link #writesOf}); without one they are stored in the flow snapshot
 * together with the step's new state (one optimistic update: the commit point) and applied
 * afterwards by whichever request gets there first. Applying an effect twice is harmless: attempts
 * carry an attempt id that the repository stores once.
 */
sealed interface Effect {

    void apply(CredentialRepository credentials, LoginAttemptRepository attempts);

    /** The same writes for an {@link dev.passkeyflow.storage.AtomicStepRepository}. */
    static StepWrites writesOf(List<Effect> effects) {
        if (effects.isEmpty()) {
            return StepWrites.none();
        }
        List<StepWrites.CredentialUse> uses = new ArrayList<>();
        List<StoredCredential> created = new ArrayList<>();
        List<StepWrites.StatusChange> changes = new ArrayList<>();
        List<LoginAttempt> attempts = new ArrayList<>();
        for (Effect effect : effects) {
            if (effect instanceof RecordUse use) {
                uses.add(new StepWrites.CredentialUse(
                        use.credentialId(), use.signatureCount(), use.backupState(), use.usedAt(), use.usedOn()));
            } else if (effect instanceof AppendAttempt append) {
                attempts.add(append.attempt());
            } else if (effect instanceof SaveCredential save) {
                created.add(save.credential());
            } else if (effect instanceof MarkReplaced mark) {
                changes.add(new StepWrites.StatusChange(mark.credentialId(), CredentialStatus.ACTIVE, mark.status()));
            }
        }
        return new StepWrites(uses, created, changes, attempts);
    }

    /** Records a successful passkey login with a credential. */
    record RecordUse(Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn)
            implements Effect {
        @Override
        public void apply(CredentialRepository credentials, LoginAttemptRepository attempts) {
            credentials.recordUse(credentialId, signatureCount, backupState, usedAt, usedOn);
        }
    }

    /** Appends one attempt to the history. */
    record AppendAttempt(LoginAttempt attempt) implements Effect {
        @Override
        public void apply(CredentialRepository credentials, LoginAttemptRepository attempts) {
            attempts.append(attempt);
        }
    }

    /** Stores a newly registered credential, unless this very credential is already stored. */
    record SaveCredential(StoredCredential credential) implements Effect {
        @Override
        public void apply(CredentialRepository credentials, LoginAttemptRepository attempts) {
            if (alreadyStored(credentials)) {
                return;
            }
            try {
                credentials.saveCredential(credential);
            } catch (StorageException e) {
                if (e.reason() != StorageException.Reason.DUPLICATE || !alreadyStored(credentials)) {
                    throw e;
                }
            }
        }

        private boolean alreadyStored(CredentialRepository credentials) {
            Optional<StoredCredential> existing = credentials.findCredential(credential.credentialId());
            return existing.isPresent()
                    && existing.get().userHandle().equals(credential.userHandle())
                    && existing.get().publicKeyCose().equals(credential.publicKeyCose());
        }
    }

    /** Flags or retires a replaced credential, only if it is still active. */
    record MarkReplaced(Bytes credentialId, CredentialStatus status) implements Effect {
        @Override
        public void apply(CredentialRepository credentials, LoginAttemptRepository attempts) {
            Optional<StoredCredential> existing = credentials.findCredential(credentialId);
            if (existing.isPresent() && existing.get().status() == CredentialStatus.ACTIVE) {
                credentials.setStatus(credentialId, status);
            }
        }
    }
}
