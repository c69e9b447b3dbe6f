package dev.passkeyflow.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.internal.util.JacksonCodecs;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every JSON conversion of Yubico's types: the browser's responses in, the requests stored in a
 * flow, and the options handed to the browser.
 */
final class YubicoJson {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);

    /**
     * Yubico's configured mapper, built once. Yubico's own JSON helpers ({@code toJson},
     * {@code fromJson}, {@code toCredentialsGetJson}, {@code parseAssertionResponseJson}, ...) call
     * {@code JacksonCodecs.json()} each time, which builds a new ObjectMapper whose empty caches make
     * every call introspect the classes again: milliseconds per login, more than the signature check
     * (docs/benchmarks.md). A configured ObjectMapper is thread-safe and writes the same JSON; a test
     * compares the two.
     */
    static final ObjectMapper YUBICO_JSON = JacksonCodecs.json();

    private static final TypeReference<
                    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>>
            ASSERTION_RESPONSE = new TypeReference<>() {};
    private static final TypeReference<
                    PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs>>
            REGISTRATION_RESPONSE = new TypeReference<>() {};

    private YubicoJson() {}

    /** @throws LoginFlowException {@code INVALID_INPUT} without the parser's message (it quotes the input) */
    static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> assertionResponse(
            String json) {
        try {
            // "null" parses to null: invalid input too, not a NullPointerException later on
            return Objects.requireNonNull(YUBICO_JSON.readValue(json, ASSERTION_RESPONSE));
        } catch (IOException | RuntimeException e) {
            throw invalidInput("not a WebAuthn assertion response", e);
        }
    }

    /** @throws LoginFlowException {@code INVALID_INPUT} without the parser's message (it quotes the input) */
    static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs>
            registrationResponse(String json) {
        try {
            return Objects.requireNonNull(YUBICO_JSON.readValue(json, REGISTRATION_RESPONSE));
        } catch (IOException | RuntimeException e) {
            throw invalidInput("not a WebAuthn registration response", e);
        }
    }

    private static LoginFlowException invalidInput(String message, Exception e) {
        LOG.debug("invalid response: {}", e.getClass().getSimpleName());
        return new LoginFlowException(Reason.INVALID_INPUT, message);
    }

    /** The assertion request a flow stored. */
    static AssertionRequest assertionRequest(@Nullable String stored) {
        try {
            return YUBICO_JSON.readValue(Objects.requireNonNull(stored), AssertionRequest.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "stored assertion request is unreadable", e);
        }
    }

    /** The creation options a flow stored. */
    static PublicKeyCredentialCreationOptions creationOptions(@Nullable String stored) {
        try {
            return YUBICO_JSON.readValue(Objects.requireNonNull(stored), PublicKeyCredentialCreationOptions.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "stored creation options are unreadable", e);
        }
    }

    /** A Yubico JSON writer; they only fail on a broken Jackson set-up, which is a bug, not input. */
    @FunctionalInterface
    private interface JsonWriter {
        String write() throws JsonProcessingException;
    }

    private static String json(JsonWriter writer) {
        try {
            return writer.write();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a WebAuthn request", e);
        }
    }

    static String toJson(AssertionRequest request) {
        return json(() -> YUBICO_JSON.writeValueAsString(request));
    }

    static String toJson(PublicKeyCredentialCreationOptions options) {
        return json(() -> YUBICO_JSON.writeValueAsString(options));
    }

    /** What {@code toCredentialsGetJson()} gives: the options under {@code publicKey}. */
    static String credentialsGetJson(AssertionRequest request) {
        return json(() ->
                YUBICO_JSON.writeValueAsString(Map.of("publicKey", request.getPublicKeyCredentialRequestOptions())));
    }

    /** What {@code toCredentialsCreateJson()} gives: the options under {@code publicKey}. */
    static String credentialsCreateJson(PublicKeyCredentialCreationOptions options) {
        return json(() -> YUBICO_JSON.writeValueAsString(Map.of("publicKey", options)));
    }
}
