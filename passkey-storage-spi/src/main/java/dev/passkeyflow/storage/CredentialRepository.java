package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Accounts and their passkeys.
 *
 * <p>The host application owns its accounts; this repository only needs to find them and to keep
 * the passkeys that belong to them. Implementations must be thread-safe, must never return
 * {@code null}, and must leave stored state unchanged when they throw.
 */
public interface CredentialRepository {

    /**
     * Finds an account by the identifier the user typed, already normalised by the caller.
     *
     * @return the account, or empty if no account has exactly this identifier
     */
    Optional<UserAccount> findUserByIdentifier(String identifier);

    /**
     * Finds an account by its WebAuthn user handle.
     *
     * @return the account, or empty if no account has this handle
     */
    Optional<UserAccount> findUserByHandle(Bytes userHandle);

    /**
     * Adds an account, or replaces the identifier and display name of the account with the same
     * user handle.
     *
     * @throws StorageException with {@link StorageException.Reason#DUPLICATE} if another account
     *     (another user handle) already has this identifier
     */
    void saveUser(UserAccount account);

    /**
     * Lists every credential of an account, whatever its status, oldest first.
     *
     * @return the credentials, or an empty list if the account has none or does not exist
     */
    List<StoredCredential> listCredentials(Bytes userHandle);

    /**
     * Finds an account by the identifier the user typed together with all its credentials: what
     * {@link #findUserByIdentifier} and then {@link #listCredentials} return. A login start calls
     * this once. Storage that can answer both in one query (one database round trip) should
     * override it; the default makes both calls, and for an unknown identifier still lists the
     * credentials of a handle no account has, so that a known and an unknown identifier cost the
     * same work and response times do not tell which identifiers exist.
     *
     * @return the account and its credentials, or empty if no account has exactly this identifier
     */
    default Optional<AccountCredentials> findUserWithCredentials(String identifier) {
        Optional<UserAccount> user = findUserByIdentifier(identifier);
        List<StoredCredential> list =
                listCredentials(user.map(UserAccount::userHandle).orElse(NO_ACCOUNT));
        return user.map(u -> new AccountCredentials(u, list));
    }

    /**
     * A user handle no account can have: 65 bytes, one more than WebAuthn allows (and
     * {@link UserAccount} accepts). Listed for unknown identifiers, never stored.
     */
    Bytes NO_ACCOUNT = Bytes.of(new byte[65]);

    /**
     * Finds a credential by its id, whoever it belongs to.
     *
     * @return the credential, or empty if no credential has this id
     */
    Optional<StoredCredential> findCredential(Bytes credentialId);

    /**
     * Stores a newly registered credential.
     *
     * @throws StorageException with {@link StorageException.Reason#DUPLICATE} if a credential with
     *     the same id exists (for any user), or {@link StorageException.Reason#NOT_FOUND} if no
     *     account has the credential's user handle
     */
    void saveCredential(StoredCredential credential);

    /**
     * Records a successful login with a credential: its new signature count, the backup state it
     * reported, when and on which client it was used.
     *
     * @return {@code true} if the credential exists and was updated, {@code false} if no credential
     *     has this id (nothing is written)
     * @throws IllegalArgumentException if {@code signatureCount} is not an unsigned 32-bit value
     *     (nothing is written)
     */
    boolean recordUse(Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn);

    /**
     * Changes the status of a credential.
     *
     * @return {@code true} if the credential exists (its status is now {@code status}),
     *     {@code false} if no credential has this id
     */
    boolean setStatus(Bytes credentialId, CredentialStatus status);

    /**
     * Gives a credential the name its user chose, or removes the name. Called only by the passkey
     * management API ({@code PasskeyManager.rename}); login flows never call it. The default
     * throws, so that repositories written before this method existed still compile; every
     * repository of this project overrides it.
     *
     * @param nickname the new name, already trimmed and checked by the caller, or {@code null} to
     *     remove it
     * @return {@code true} if the credential exists (its nickname is now {@code nickname}),
     *     {@code false} if no credential has this id (nothing is written)
     * @throws UnsupportedOperationException if this repository cannot rename credentials
     */
    default boolean setNickname(Bytes credentialId, @Nullable String nickname) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot rename credentials");
    }

    /**
     * Deletes a credential for good. passkeyflow never calls this on its own; it exists for hosts
     * that let users remove passkeys.
     *
     * @return {@code true} if a credential was deleted, {@code false} if none had this id
     */
    boolean deleteCredential(Bytes credentialId);
}
