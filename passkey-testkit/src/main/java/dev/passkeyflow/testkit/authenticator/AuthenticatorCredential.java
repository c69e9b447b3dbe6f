package dev.passkeyflow.testkit.authenticator;

import dev.passkeyflow.storage.Bytes;
import java.util.Objects;

/**
 * A snapshot of one credential a {@link SoftwareAuthenticator} holds. The private key stays
 * inside the authenticator.
 *
 * @param credentialId the credential id, unpadded base64url (the {@code id} of the JSON)
 * @param userHandle the user handle ({@code user.id} at registration), unpadded base64url
 * @param rpId the RP ID the credential is bound to
 * @param userName {@code user.name} at registration
 * @param algorithm the credential key's algorithm
 * @param publicKeyCose the credential public key, COSE-encoded, as in the attested credential data
 * @param discoverable whether it is a discoverable (resident) credential, usable without
 *     {@code allowCredentials}
 * @param backupEligible the BE flag this credential reports
 * @param backupState the BS flag this credential reports
 * @param signatureCount the signature counter value this credential reported last
 */
public record AuthenticatorCredential(
        String credentialId,
        String userHandle,
        String rpId,
        String userName,
        CoseAlgorithm algorithm,
        Bytes publicKeyCose,
        boolean discoverable,
        boolean backupEligible,
        boolean backupState,
        long signatureCount) {

    /** Checks that no component is null. */
    public AuthenticatorCredential {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(rpId, "rpId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(publicKeyCose, "publicKeyCose");
    }
}
