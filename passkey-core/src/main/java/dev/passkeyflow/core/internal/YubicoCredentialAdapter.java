package dev.passkeyflow.core.internal;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Presents the storage SPI to Yubico's {@code RelyingParty}. Retired credentials are invisible to
 * it, so they can never be asserted. The backup-eligible flag is deliberately not passed to Yubico:
 * some providers flip BE from false to true, and Yubico would then fail a login that is fine; the
 * flow records BE/BS itself.
 */
final class YubicoCredentialAdapter implements CredentialRepository {

    private final dev.passkeyflow.storage.CredentialRepository credentials;
    // Per instance, not static: each flow has its own storage, and what one step has read belongs
    // to that flow's adapter only.
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<KnownReads> known = new ThreadLocal<>();

    YubicoCredentialAdapter(dev.passkeyflow.storage.CredentialRepository credentials) {
        this.credentials = credentials;
    }

    /**
     * What the calling step has already read from storage in this request, served to Yubico instead
     * of asking storage again (each read is a database round trip on JDBC storage).
     *
     * @param identifier the account's identifier, as the flow looked it up
     * @param userHandle that account's user handle
     * @param credentials that account's credentials, or null when the step has not listed them
     * @param credential the credential the response names, or null when not read
     */
    record KnownReads(
            String identifier,
            Bytes userHandle,
            @Nullable List<StoredCredential> credentials,
            @Nullable StoredCredential credential) {}

    /** Runs one Yubico call on this thread with {@code reads} served from memory. */
    <T> T with(KnownReads reads, Supplier<T> call) {
        known.set(reads);
        try {
            return call.get();
        } finally {
            known.remove();
        }
    }

    private @Nullable KnownReads knownFor(String identifier) {
        KnownReads reads = known.get();
        return reads != null && reads.identifier().equals(identifier) ? reads : null;
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
        KnownReads reads = knownFor(username);
        List<StoredCredential> list;
        if (reads != null && reads.credentials() != null) {
            list = reads.credentials();
        } else {
            Optional<UserAccount> user = credentials.findUserByIdentifier(username);
            if (user.isEmpty()) {
                return Set.of();
            }
            list = credentials.listCredentials(user.get().userHandle());
        }
        Set<PublicKeyCredentialDescriptor> descriptors = new LinkedHashSet<>();
        for (StoredCredential credential : list) {
            if (credential.status().acceptsLogin()) {
                descriptors.add(descriptor(credential));
            }
        }
        return descriptors;
    }

    /** Every credential of the user, retired ones included: registration excludes them all. */
    Set<PublicKeyCredentialDescriptor> allDescriptors(Bytes userHandle) {
        Set<PublicKeyCredentialDescriptor> descriptors = new LinkedHashSet<>();
        for (StoredCredential credential : credentials.listCredentials(userHandle)) {
            descriptors.add(descriptor(credential));
        }
        return descriptors;
    }

    static PublicKeyCredentialDescriptor descriptor(StoredCredential credential) {
        PublicKeyCredentialDescriptor.PublicKeyCredentialDescriptorBuilder builder =
                PublicKeyCredentialDescriptor.builder().id(toByteArray(credential.credentialId()));
        if (!credential.transports().isEmpty()) {
            SortedSet<AuthenticatorTransport> transports = new TreeSet<>();
            credential.transports().forEach(t -> transports.add(AuthenticatorTransport.of(t)));
            builder.transports(transports);
        }
        return builder.build();
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
        KnownReads reads = knownFor(username);
        if (reads != null) {
            return Optional.of(toByteArray(reads.userHandle()));
        }
        return credentials.findUserByIdentifier(username).map(u -> toByteArray(u.userHandle()));
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        KnownReads reads = known.get();
        if (reads != null && reads.userHandle().equals(toBytes(userHandle))) {
            return Optional.of(reads.identifier());
        }
        return credentials.findUserByHandle(toBytes(userHandle)).map(UserAccount::identifier);
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        return findCredential(toBytes(credentialId))
                .filter(c -> c.status().acceptsLogin())
                .filter(c -> c.userHandle().equals(toBytes(userHandle)))
                .map(YubicoCredentialAdapter::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return findCredential(toBytes(credentialId))
                .map(c -> Set.of(registered(c)))
                .orElse(Set.of());
    }

    private Optional<StoredCredential> findCredential(Bytes credentialId) {
        KnownReads reads = known.get();
        if (reads != null
                && reads.credential() != null
                && reads.credential().credentialId().equals(credentialId)) {
            return Optional.of(reads.credential());
        }
        return credentials.findCredential(credentialId);
    }

    private static RegisteredCredential registered(StoredCredential credential) {
        return RegisteredCredential.builder()
                .credentialId(toByteArray(credential.credentialId()))
                .userHandle(toByteArray(credential.userHandle()))
                .publicKeyCose(toByteArray(credential.publicKeyCose()))
                .signatureCount(credential.signatureCount())
                .build();
    }

    static ByteArray toByteArray(Bytes bytes) {
        return new ByteArray(bytes.toByteArray());
    }

    static Bytes toBytes(ByteArray bytes) {
        return Bytes.of(bytes.getBytes());
    }
}
