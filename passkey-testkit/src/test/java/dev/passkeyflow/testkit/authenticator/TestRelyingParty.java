package dev.passkeyflow.testkit.authenticator;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A relying party for tests: Yubico's {@link RelyingParty} for RP ID {@code example.com} over a
 * map-backed {@link CredentialRepository}. It parses responses exactly as a server does, with
 * {@link PublicKeyCredential#parseRegistrationResponseJson} and
 * {@link PublicKeyCredential#parseAssertionResponseJson}, and records registrations and sign
 * counts as an application would.
 */
final class TestRelyingParty {

    static final String RP_ID = "example.com";
    static final String ORIGIN = "https://example.com";

    private final Map<String, ByteArray> userHandles = new ConcurrentHashMap<>();
    private final Map<ByteArray, RegisteredCredential> credentials = new ConcurrentHashMap<>();
    private final RelyingParty relyingParty;

    TestRelyingParty() {
        relyingParty = RelyingParty.builder()
                .identity(
                        RelyingPartyIdentity.builder().id(RP_ID).name("Example").build())
                .credentialRepository(new MapRepository())
                .origins(Set.of(ORIGIN))
                .validateSignatureCounter(true)
                .build();
    }

    /** Options for registering a passkey for {@code username}, resident key required. */
    PublicKeyCredentialCreationOptions startRegistration(String username) {
        return startRegistration(username, ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.PREFERRED);
    }

    PublicKeyCredentialCreationOptions startRegistration(
            String username, ResidentKeyRequirement residentKey, UserVerificationRequirement userVerification) {
        ByteArray userHandle = userHandles.computeIfAbsent(
                username, name -> new ByteArray(("uh-" + name).getBytes(StandardCharsets.UTF_8)));
        return relyingParty.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder()
                        .name(username)
                        .displayName(username)
                        .id(userHandle)
                        .build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(residentKey)
                        .userVerification(userVerification)
                        .build())
                .build());
    }

    /** Verifies a registration response and, when it passes, stores the credential. */
    RegistrationResult finishRegistration(PublicKeyCredentialCreationOptions request, String responseJson)
            throws RegistrationFailedException {
        RegistrationResult result = relyingParty.finishRegistration(FinishRegistrationOptions.builder()
                .request(request)
                .response(parseRegistration(responseJson))
                .build());
        credentials.put(
                result.getKeyId().getId(),
                RegisteredCredential.builder()
                        .credentialId(result.getKeyId().getId())
                        .userHandle(request.getUser().getId())
                        .publicKeyCose(result.getPublicKeyCose())
                        .signatureCount(result.getSignatureCount())
                        .build());
        return result;
    }

    /** Registers a passkey for {@code username} with {@code authenticator}; fails the test if refused. */
    RegistrationResult register(SoftwareAuthenticator authenticator, String username) {
        PublicKeyCredentialCreationOptions request = startRegistration(username);
        try {
            return finishRegistration(request, authenticator.register(request.toCredentialsCreateJson()));
        } catch (RegistrationFailedException | IOException e) {
            throw new AssertionError("registration failed", e);
        }
    }

    /** Options for signing in; a null username asks for a discoverable credential. */
    AssertionRequest startAssertion(@Nullable String username, UserVerificationRequirement userVerification) {
        StartAssertionOptions.StartAssertionOptionsBuilder options =
                StartAssertionOptions.builder().userVerification(userVerification);
        if (username != null) {
            options.username(username);
        }
        return relyingParty.startAssertion(options.build());
    }

    AssertionRequest startAssertion(@Nullable String username) {
        return startAssertion(username, UserVerificationRequirement.PREFERRED);
    }

    /** Verifies an assertion response and, when it passes, stores the new signature count. */
    AssertionResult finishAssertion(AssertionRequest request, String responseJson) throws AssertionFailedException {
        AssertionResult result = relyingParty.finishAssertion(FinishAssertionOptions.builder()
                .request(request)
                .response(parseAssertion(responseJson))
                .build());
        credentials.computeIfPresent(
                result.getCredential().getCredentialId(),
                (id, stored) -> stored.toBuilder()
                        .signatureCount(result.getSignatureCount())
                        .build());
        return result;
    }

    /** Overrides the signature count on file for a credential. */
    void setStoredSignatureCount(String credentialId, long signatureCount) {
        ByteArray id = byteArray(credentialId);
        credentials.computeIfPresent(
                id,
                (key, stored) ->
                        stored.toBuilder().signatureCount(signatureCount).build());
    }

    long storedSignatureCount(String credentialId) {
        return credentials.get(byteArray(credentialId)).getSignatureCount();
    }

    static PublicKeyCredential<
                    com.yubico.webauthn.data.AuthenticatorAttestationResponse,
                    com.yubico.webauthn.data.ClientRegistrationExtensionOutputs>
            parseRegistration(String json) {
        try {
            return PublicKeyCredential.parseRegistrationResponseJson(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PublicKeyCredential<
                    com.yubico.webauthn.data.AuthenticatorAssertionResponse,
                    com.yubico.webauthn.data.ClientAssertionExtensionOutputs>
            parseAssertion(String json) {
        try {
            return PublicKeyCredential.parseAssertionResponseJson(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteArray byteArray(String base64Url) {
        try {
            return ByteArray.fromBase64Url(base64Url);
        } catch (com.yubico.webauthn.data.exception.Base64UrlException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final class MapRepository implements CredentialRepository {

        @Override
        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
            ByteArray userHandle = userHandles.get(username);
            return credentials.values().stream()
                    .filter(credential -> credential.getUserHandle().equals(userHandle))
                    .map(credential -> PublicKeyCredentialDescriptor.builder()
                            .id(credential.getCredentialId())
                            .build())
                    .collect(Collectors.toSet());
        }

        @Override
        public Optional<ByteArray> getUserHandleForUsername(String username) {
            return Optional.ofNullable(userHandles.get(username));
        }

        @Override
        public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
            return userHandles.entrySet().stream()
                    .filter(entry -> entry.getValue().equals(userHandle))
                    .map(Map.Entry::getKey)
                    .findFirst();
        }

        @Override
        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
            return Optional.ofNullable(credentials.get(credentialId))
                    .filter(credential -> credential.getUserHandle().equals(userHandle));
        }

        @Override
        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
            return Optional.ofNullable(credentials.get(credentialId))
                    .map(Set::of)
                    .orElse(Set.of());
        }
    }
}
