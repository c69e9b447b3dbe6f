package dev.passkeyflow.core.manage;

import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.storage.Bytes;
import java.util.List;
import java.util.Objects;

/** What a change made through {@link PasskeyManager} came to. */
public sealed interface ManagementResult {

    /** The passkey now has the new name. */
    record Renamed(ManagedPasskey passkey) implements ManagementResult {
        public Renamed {
            Objects.requireNonNull(passkey, "passkey");
        }
    }

    /**
     * The passkey was deleted for good ({@code retired == false}) or retired: kept in storage and
     * never accepted again ({@code retired == true}).
     *
     * @param signals the Signal API calls the page should make now: always
     *     {@code signalAllAcceptedCredentials} with the account's full remaining list; after a
     *     deletion also {@code signalUnknownCredential}, since no account owns the id any more
     */
    record Removed(Bytes credentialId, boolean retired, List<ClientSignal> signals) implements ManagementResult {
        public Removed {
            Objects.requireNonNull(credentialId, "credentialId");
            signals = List.copyOf(signals);
        }
    }

    /**
     * The account has no passkey with this id (also when another account has one: the answer never
     * tells which ids exist). Nothing changed.
     */
    record NotFound(Bytes credentialId) implements ManagementResult {
        public NotFound {
            Objects.requireNonNull(credentialId, "credentialId");
        }
    }

    /** The new name was refused (blank after trimming, too long, or control characters). Nothing changed. */
    record InvalidName(String reason) implements ManagementResult {
        public InvalidName {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The passkey is already retired; retiring it again changes nothing. */
    record AlreadyRetired(Bytes credentialId) implements ManagementResult {
        public AlreadyRetired {
            Objects.requireNonNull(credentialId, "credentialId");
        }
    }
}
