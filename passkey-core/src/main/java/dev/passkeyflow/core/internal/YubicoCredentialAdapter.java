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
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Presents the storage SPI to Yubico's {@code RelyingParty}. Retired credentials are invisible to
 * it, so they can never be asserted. The backup-eligible flag is deliberately not passed to Yubico:
 * some providers flip BE from false to true, and Yubico would then fail a login that is fine; the
 * flow records BE/BS itself.
 */
final class YubicoCredentialAdapter implements CredentialRepository {

    private final dev.passkeyflow.storage.CredentialRepository credentials;

    YubicoCredentialAdapter(dev.passkeyflow.storage.CredentialRepository credentials) {
        this.credentials = credentials;
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
        Optional<UserAccount> user = credentials.findUserByIdentifier(username);
        if (user.isEmpty()) {
            return Set.of();
        }
        Set<PublicKeyCredentialDescriptor> descriptors = new LinkedHashSet<>();
        for (StoredCredential credential : credentials.listCredentials(user.get().userHandle())) {
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
        return credentials.findUserByIdentifier(username).map(u -> toByteArray(u.userHandle()));
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        return credentials.findUserByHandle(toBytes(userHandle)).map(UserAccount::identifier);
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        return credentials.findCredential(toBytes(credentialId))
                .filter(c -> c.status().acceptsLogin())
                .filter(c -> c.userHandle().equals(toBytes(userHandle)))
                .map(YubicoCredentialAdapter::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return credentials.findCredential(toBytes(credentialId))
                .map(c -> Set.of(registered(c)))
                .orElse(Set.of());
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
