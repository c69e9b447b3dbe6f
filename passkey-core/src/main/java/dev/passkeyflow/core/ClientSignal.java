package dev.passkeyflow.core;

import java.util.List;
import java.util.Objects;

/**
 * A WebAuthn Signal API call the page should make ({@code PublicKeyCredential.signal*}), fire and
 * forget, after feature-detecting the method. All ids are base64url.
 */
public sealed interface ClientSignal {

    /** The relying party id the signal is for. */
    String rpId();

    /**
     * {@code signalUnknownCredential}: the server conclusively does not know this credential; the
     * provider may hide or delete it.
     */
    record UnknownCredential(String rpId, String credentialId) implements ClientSignal {
        public UnknownCredential {
            Objects.requireNonNull(rpId, "rpId");
            Objects.requireNonNull(credentialId, "credentialId");
        }
    }

    /**
     * {@code signalAllAcceptedCredentials}: the complete list of credential ids the server accepts
     * for this user. Never partial: providers may hide every passkey not listed.
     */
    record AllAcceptedCredentials(String rpId, String userId, List<String> allAcceptedCredentialIds)
            implements ClientSignal {
        public AllAcceptedCredentials {
            Objects.requireNonNull(rpId, "rpId");
            Objects.requireNonNull(userId, "userId");
            allAcceptedCredentialIds = List.copyOf(allAcceptedCredentialIds);
        }
    }

    /** {@code signalCurrentUserDetails}: the account's current name and display name. */
    record CurrentUserDetails(String rpId, String userId, String name, String displayName) implements ClientSignal {
        public CurrentUserDetails {
            Objects.requireNonNull(rpId, "rpId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(displayName, "displayName");
        }
    }
}
