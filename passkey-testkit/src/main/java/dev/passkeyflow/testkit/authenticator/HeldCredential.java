package dev.passkeyflow.testkit.authenticator;

import dev.passkeyflow.storage.Bytes;
import java.security.KeyPair;

/** A credential with its key pair, as an authenticator holds it. Immutable; changes make copies. */
record HeldCredential(
        Bytes credentialId,
        Bytes userHandle,
        String rpId,
        String userName,
        CoseAlgorithm algorithm,
        KeyPair keyPair,
        Bytes publicKeyCose,
        boolean discoverable,
        boolean backupEligible,
        boolean backupState,
        long signatureCount) {

    HeldCredential withBackupFlags(boolean newBackupEligible, boolean newBackupState) {
        return new HeldCredential(
                credentialId,
                userHandle,
                rpId,
                userName,
                algorithm,
                keyPair,
                publicKeyCose,
                discoverable,
                newBackupEligible,
                newBackupState,
                signatureCount);
    }

    HeldCredential withSignatureCount(long newSignatureCount) {
        return new HeldCredential(
                credentialId,
                userHandle,
                rpId,
                userName,
                algorithm,
                keyPair,
                publicKeyCose,
                discoverable,
                backupEligible,
                backupState,
                newSignatureCount);
    }

    AuthenticatorCredential snapshot() {
        return new AuthenticatorCredential(
                credentialId.toBase64Url(),
                userHandle.toBase64Url(),
                rpId,
                userName,
                algorithm,
                publicKeyCose,
                discoverable,
                backupEligible,
                backupState,
                signatureCount);
    }
}
