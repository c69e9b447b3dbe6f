package dev.passkeyflow.core.testsupport;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Delegates to another repository and counts the calls of each method. */
public final class CountingCredentialRepository implements CredentialRepository {

    private final CredentialRepository delegate;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    public CountingCredentialRepository(CredentialRepository delegate) {
        this.delegate = delegate;
    }

    /** The calls so far, by method name, in name order. */
    public Map<String, Integer> calls() {
        return new TreeMap<>(calls);
    }

    public int calls(String method) {
        return calls.getOrDefault(method, 0);
    }

    public void reset() {
        calls.clear();
    }

    private void count(String method) {
        calls.merge(method, 1, Integer::sum);
    }

    @Override
    public Optional<UserAccount> findUserByIdentifier(String identifier) {
        count("findUserByIdentifier");
        return delegate.findUserByIdentifier(identifier);
    }

    @Override
    public Optional<UserAccount> findUserByHandle(Bytes userHandle) {
        count("findUserByHandle");
        return delegate.findUserByHandle(userHandle);
    }

    @Override
    public void saveUser(UserAccount account) {
        count("saveUser");
        delegate.saveUser(account);
    }

    @Override
    public List<StoredCredential> listCredentials(Bytes userHandle) {
        count("listCredentials");
        return delegate.listCredentials(userHandle);
    }

    @Override
    public Optional<StoredCredential> findCredential(Bytes credentialId) {
        count("findCredential");
        return delegate.findCredential(credentialId);
    }

    @Override
    public void saveCredential(StoredCredential credential) {
        count("saveCredential");
        delegate.saveCredential(credential);
    }

    @Override
    public boolean recordUse(
            Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
        count("recordUse");
        return delegate.recordUse(credentialId, signatureCount, backupState, usedAt, usedOn);
    }

    @Override
    public boolean setStatus(Bytes credentialId, CredentialStatus status) {
        count("setStatus");
        return delegate.setStatus(credentialId, status);
    }

    @Override
    public boolean deleteCredential(Bytes credentialId) {
        count("deleteCredential");
        return delegate.deleteCredential(credentialId);
    }
}
