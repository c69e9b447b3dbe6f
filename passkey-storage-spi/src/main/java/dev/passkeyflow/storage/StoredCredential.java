package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A registered passkey.
 *
 * @param credentialId the credential id chosen by the authenticator
 * @param userHandle the user handle of the account it belongs to: 1 to 64 bytes, as in {@link UserAccount}
 * @param publicKeyCose the credential public key, COSE-encoded
 * @param signatureCount the last signature counter seen
 * @param transports the transports the client reported at registration (e.g. {@code internal},
 *     {@code hybrid}); may be empty
 * @param backupEligible the BE flag from registration: whether the passkey can be synced
 * @param backupState the BS flag last seen: whether the passkey is currently backed up (synced)
 * @param aaguid the authenticator model's AAGUID (16 bytes; all zero when not disclosed), if known
 * @param createdAt when it was registered
 * @param lastUsedAt when it was last used for a successful login, if ever
 * @param createdOn the client it was registered on
 * @param lastUsedOn the client of the last successful login, if any
 * @param status whether it is active, suspected broken or retired
 * @param nickname a name the user gave it, if any
 */
public record StoredCredential(
        Bytes credentialId,
        Bytes userHandle,
        Bytes publicKeyCose,
        long signatureCount,
        Set<String> transports,
        boolean backupEligible,
        boolean backupState,
        @Nullable Bytes aaguid,
        Instant createdAt,
        @Nullable Instant lastUsedAt,
        ClientInfo createdOn,
        @Nullable ClientInfo lastUsedOn,
        CredentialStatus status,
        @Nullable String nickname) {

    public StoredCredential {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(publicKeyCose, "publicKeyCose");
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdOn, "createdOn");
        Objects.requireNonNull(status, "status");
        if (credentialId.isEmpty()) {
            throw new IllegalArgumentException("credentialId must not be empty");
        }
        // The same bounds as UserAccount: a credential can only belong to a handle an account can have.
        if (userHandle.isEmpty() || userHandle.length() > UserAccount.MAX_USER_HANDLE_LENGTH) {
            throw new IllegalArgumentException("userHandle must be 1 to " + UserAccount.MAX_USER_HANDLE_LENGTH
                    + " bytes, was " + userHandle.length());
        }
        if (publicKeyCose.isEmpty()) {
            throw new IllegalArgumentException("publicKeyCose must not be empty");
        }
        if (signatureCount < 0 || signatureCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "signatureCount must be an unsigned 32-bit value, was " + signatureCount);
        }
        if (aaguid != null && aaguid.length() != 16) {
            throw new IllegalArgumentException("aaguid must be 16 bytes, was " + aaguid.length());
        }
        transports = Collections.unmodifiableSet(new TreeSet<>(transports));
    }

    /** A copy with another status. */
    public StoredCredential withStatus(CredentialStatus newStatus) {
        return new StoredCredential(
                credentialId,
                userHandle,
                publicKeyCose,
                signatureCount,
                transports,
                backupEligible,
                backupState,
                aaguid,
                createdAt,
                lastUsedAt,
                createdOn,
                lastUsedOn,
                newStatus,
                nickname);
    }

    /** A copy with another nickname ({@code null}: none). */
    public StoredCredential withNickname(@Nullable String newNickname) {
        return new StoredCredential(
                credentialId,
                userHandle,
                publicKeyCose,
                signatureCount,
                transports,
                backupEligible,
                backupState,
                aaguid,
                createdAt,
                lastUsedAt,
                createdOn,
                lastUsedOn,
                status,
                newNickname);
    }

    /** A copy that records a successful use. */
    public StoredCredential withUse(long newSignatureCount, boolean newBackupState, Instant usedAt, ClientInfo usedOn) {
        return new StoredCredential(
                credentialId,
                userHandle,
                publicKeyCose,
                newSignatureCount,
                transports,
                backupEligible,
                newBackupState,
                aaguid,
                createdAt,
                usedAt,
                createdOn,
                usedOn,
                status,
                nickname);
    }
}
