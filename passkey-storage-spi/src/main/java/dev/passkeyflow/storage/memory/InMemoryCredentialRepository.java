package dev.passkeyflow.storage.memory;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe, in-memory {@link CredentialRepository}.
 *
 * <p>Accounts are kept by user handle with an index by identifier; account writes are serialised
 * (they are rare) so that an identifier can never belong to two accounts. Credentials are kept by
 * id with an index by user handle; every credential write is a single atomic
 * {@link ConcurrentHashMap} operation on the credential's id, which also maintains the index, so
 * writes to different credentials never block each other.
 *
 * <p>Accounts are never removed (the SPI has no operation for it), so memory grows with the number
 * of accounts and credentials the host registers.
 */
public final class InMemoryCredentialRepository implements CredentialRepository {

    /** Orders the credentials of one account oldest first; ties by registration order. */
    private static final Comparator<Entry> OLDEST_FIRST =
            Comparator.comparing((Entry e) -> e.credential().createdAt()).thenComparingLong(Entry::sequence);

    /** A stored credential with the sequence number of its registration. */
    private record Entry(StoredCredential credential, long sequence) {}

    private final Object accountWriteLock = new Object();
    private final ConcurrentHashMap<Bytes, UserAccount> accountsByHandle = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bytes> handlesByIdentifier = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<Bytes, Entry> credentialsById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Bytes, Set<Bytes>> credentialIdsByUser = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** Creates an empty repository. */
    public InMemoryCredentialRepository() {
        // nothing to configure: the credential store needs no clock and has no size bound
    }

    @Override
    public Optional<UserAccount> findUserByIdentifier(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        Bytes handle = handlesByIdentifier.get(identifier);
        if (handle == null) {
            return Optional.empty();
        }
        UserAccount account = accountsByHandle.get(handle);
        // A concurrent rename may have moved the identifier away between the two reads.
        if (account == null || !account.identifier().equals(identifier)) {
            return Optional.empty();
        }
        return Optional.of(account);
    }

    @Override
    public Optional<UserAccount> findUserByHandle(Bytes userHandle) {
        Objects.requireNonNull(userHandle, "userHandle");
        return Optional.ofNullable(accountsByHandle.get(userHandle));
    }

    @Override
    public void saveUser(UserAccount account) {
        Objects.requireNonNull(account, "account");
        synchronized (accountWriteLock) {
            Bytes owner = handlesByIdentifier.get(account.identifier());
            if (owner != null && !owner.equals(account.userHandle())) {
                throw new StorageException(
                        StorageException.Reason.DUPLICATE, "another account already has this identifier");
            }
            // Publish the new identifier first, then the account, then retire the old identifier:
            // readers check that the account they reach really has the identifier they asked for.
            handlesByIdentifier.put(account.identifier(), account.userHandle());
            UserAccount previous = accountsByHandle.put(account.userHandle(), account);
            if (previous != null && !previous.identifier().equals(account.identifier())) {
                handlesByIdentifier.remove(previous.identifier(), account.userHandle());
            }
        }
    }

    @Override
    public List<StoredCredential> listCredentials(Bytes userHandle) {
        Objects.requireNonNull(userHandle, "userHandle");
        Set<Bytes> ids = credentialIdsByUser.get(userHandle);
        if (ids == null) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (Bytes id : ids) {
            Entry entry = credentialsById.get(id);
            if (entry != null) {
                entries.add(entry);
            }
        }
        entries.sort(OLDEST_FIRST);
        return entries.stream().map(Entry::credential).toList();
    }

    @Override
    public Optional<StoredCredential> findCredential(Bytes credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        Entry entry = credentialsById.get(credentialId);
        return entry == null ? Optional.empty() : Optional.of(entry.credential());
    }

    @Override
    public void saveCredential(StoredCredential credential) {
        Objects.requireNonNull(credential, "credential");
        // Accounts are never removed, so an account seen here still exists when the write lands.
        if (!accountsByHandle.containsKey(credential.userHandle())) {
            throw new StorageException(
                    StorageException.Reason.NOT_FOUND, "no account has the credential's user handle");
        }
        credentialsById.compute(credential.credentialId(), (id, existing) -> {
            if (existing != null) {
                // Thrown inside compute: the mapping stays as it was.
                throw new StorageException(
                        StorageException.Reason.DUPLICATE, "a credential with this id already exists");
            }
            // The index entry is added before the credential becomes visible, so a reader that
            // found the credential by id also finds it in the account's list.
            credentialIdsByUser
                    .computeIfAbsent(credential.userHandle(), h -> ConcurrentHashMap.newKeySet())
                    .add(id);
            return new Entry(credential, sequence.incrementAndGet());
        });
    }

    @Override
    public boolean recordUse(
            Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(usedAt, "usedAt");
        Objects.requireNonNull(usedOn, "usedOn");
        if (signatureCount < 0 || signatureCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "signatureCount must be an unsigned 32-bit value, was " + signatureCount);
        }
        return credentialsById.computeIfPresent(
                        credentialId,
                        (id, entry) -> new Entry(
                                entry.credential().withUse(signatureCount, backupState, usedAt, usedOn),
                                entry.sequence()))
                != null;
    }

    @Override
    public boolean setStatus(Bytes credentialId, CredentialStatus status) {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(status, "status");
        return credentialsById.computeIfPresent(
                        credentialId,
                        (id, entry) -> new Entry(entry.credential().withStatus(status), entry.sequence()))
                != null;
    }

    @Override
    public boolean setNickname(Bytes credentialId, @Nullable String nickname) {
        Objects.requireNonNull(credentialId, "credentialId");
        return credentialsById.computeIfPresent(
                        credentialId,
                        (id, entry) -> new Entry(entry.credential().withNickname(nickname), entry.sequence()))
                != null;
    }

    @Override
    public boolean deleteCredential(Bytes credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        boolean[] deleted = {false};
        credentialsById.computeIfPresent(credentialId, (id, entry) -> {
            Set<Bytes> ids = credentialIdsByUser.get(entry.credential().userHandle());
            if (ids != null) {
                ids.remove(id);
            }
            deleted[0] = true;
            return null;
        });
        return deleted[0];
    }
}
