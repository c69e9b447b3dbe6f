package dev.passkeyflow.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.internal.util.JacksonCodecs;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import dev.passkeyflow.storage.StoredCredential;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What a relying party writes without passkeyflow: Yubico's {@link RelyingParty} over a minimal
 * in-memory {@link CredentialRepository}, the pending {@link AssertionRequest} kept in a map (as
 * it would be in an HTTP session), and the new signature count stored after a login.
 */
final class RawYubico {

    /**
     * Yubico's configured mapper, built once; its {@code toCredentialsGetJson()} and
     * {@code parseAssertionResponseJson} build a new one per call (docs/benchmarks.md, finding 1).
     */
    private static final ObjectMapper YUBICO_JSON = JacksonCodecs.json();

    private static final TypeReference<
                    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>>
            ASSERTION_RESPONSE = new TypeReference<>() {};

    private final RelyingParty relyingParty;
    private final MinimalRepository repository;
    private final Map<Long, AssertionRequest> pending = new ConcurrentHashMap<>();

    /** Serves the account's one credential, copied from the deployment where it was registered. */
    RawYubico(Deployment.Account account, StoredCredential credential) {
        this.repository = new MinimalRepository(
                account.identifier(),
                new ByteArray(account.userHandle().toByteArray()),
                RegisteredCredential.builder()
                        .credentialId(new ByteArray(credential.credentialId().toByteArray()))
                        .userHandle(new ByteArray(credential.userHandle().toByteArray()))
                        .publicKeyCose(new ByteArray(credential.publicKeyCose().toByteArray()))
                        .signatureCount(credential.signatureCount())
                        .build());
        this.relyingParty = RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder()
                        .id(Deployment.RP_ID)
                        .name("Example")
                        .build())
                .credentialRepository(repository)
                .origins(Set.of(Deployment.ORIGIN))
                .build();
    }

    /** The browser JSON of a request, written by Yubico's helper or by the cached mapper. */
    private interface GetJsonWriter {
        String write(AssertionRequest request) throws JsonProcessingException;
    }

    /** The browser's response, parsed by Yubico's helper or by the cached mapper. */
    private interface ResponseParser {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> parse(String json)
                throws IOException;
    }

    /** The first request: a new challenge, kept under {@code session}; returns the browser's JSON. */
    String start(long session, String username) {
        return start(session, username, AssertionRequest::toCredentialsGetJson);
    }

    /**
     * {@link #start} as a user who knows the cost of Yubico's JSON helpers writes it: the same JSON
     * as {@code toCredentialsGetJson()}, through one cached Yubico mapper.
     */
    String startWithCachedMapper(long session, String username) {
        return start(
                session,
                username,
                request -> YUBICO_JSON.writeValueAsString(
                        Map.of("publicKey", request.getPublicKeyCredentialRequestOptions())));
    }

    /** The second request: verifies the browser's response and stores the new signature count. */
    AssertionResult finish(long session, String responseJson) {
        return finish(session, responseJson, PublicKeyCredential::parseAssertionResponseJson);
    }

    /** {@link #finish} with the browser's response parsed by one cached Yubico mapper. */
    AssertionResult finishWithCachedMapper(long session, String responseJson) {
        return finish(session, responseJson, json -> YUBICO_JSON.readValue(json, ASSERTION_RESPONSE));
    }

    private String start(long session, String username, GetJsonWriter writer) {
        AssertionRequest request = relyingParty.startAssertion(StartAssertionOptions.builder()
                .username(username)
                .userVerification(UserVerificationRequirement.PREFERRED)
                .timeout(Duration.ofMinutes(2).toMillis())
                .build());
        pending.put(session, request);
        try {
            return writer.write(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private AssertionResult finish(long session, String responseJson, ResponseParser parser) {
        AssertionRequest request = pending.remove(session);
        if (request == null) {
            throw new IllegalStateException("no pending login " + session);
        }
        try {
            AssertionResult result = relyingParty.finishAssertion(FinishAssertionOptions.builder()
                    .request(request)
                    .response(parser.parse(responseJson))
                    .build());
            if (!result.isSuccess()) {
                throw new IllegalStateException("assertion failed");
            }
            repository.updateSignatureCount(result.getCredential().getCredentialId(), result.getSignatureCount());
            return result;
        } catch (IOException | AssertionFailedException e) {
            throw new IllegalStateException("assertion failed", e);
        }
    }

    void forget(long session) {
        pending.remove(session);
    }

    /** One user with one credential; lookups are map reads. */
    private static final class MinimalRepository implements CredentialRepository {

        private final String username;
        private final ByteArray userHandle;
        private final Set<PublicKeyCredentialDescriptor> descriptors;
        private final Map<ByteArray, RegisteredCredential> byId = new ConcurrentHashMap<>();

        MinimalRepository(String username, ByteArray userHandle, RegisteredCredential credential) {
            this.username = username;
            this.userHandle = userHandle;
            this.descriptors = Set.of(PublicKeyCredentialDescriptor.builder()
                    .id(credential.getCredentialId())
                    .build());
            byId.put(credential.getCredentialId(), credential);
        }

        void updateSignatureCount(ByteArray credentialId, long count) {
            byId.computeIfPresent(
                    credentialId, (id, c) -> c.toBuilder().signatureCount(count).build());
        }

        @Override
        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String name) {
            return username.equals(name) ? descriptors : Set.of();
        }

        @Override
        public Optional<ByteArray> getUserHandleForUsername(String name) {
            return username.equals(name) ? Optional.of(userHandle) : Optional.empty();
        }

        @Override
        public Optional<String> getUsernameForUserHandle(ByteArray handle) {
            return userHandle.equals(handle) ? Optional.of(username) : Optional.empty();
        }

        @Override
        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray handle) {
            return userHandle.equals(handle) ? Optional.ofNullable(byId.get(credentialId)) : Optional.empty();
        }

        @Override
        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
            @Nullable RegisteredCredential credential = byId.get(credentialId);
            return credential == null ? Set.of() : Set.of(credential);
        }
    }
}
