package dev.passkeyflow.core.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.LoginStep;
import java.util.List;
import java.util.Objects;

/**
 * A {@link LoginStep} in the JSON form {@code passkeyflow-client.js} runs ({@code client.run(step)}).
 *
 * <pre>
 * {"type": "passkey",   "publicKey": {...}, "autoStart": true, "calmRetry": false, "immediate": false, "attempt": 1, "signals": [...]}
 * {"type": "fallback",  "reason": "PASSKEY_FAILED", "identifier": "...", "remainingAttempts": 5, "passkeyAlternative": true, "signals": [...]}
 * {"type": "healing",   "publicKey": {...}, "kind": "AFTER_ERROR", "diagnosis": {"cause": ..., "confidence": ..., "evidence": [...]},
 *                       "platform": "macOS", "unlockMethod": "Touch ID", "signals": [...]}
 * {"type": "completed", "method": "PASSKEY", "healing": "HEALED", "redirect": "/dashboard", "signals": [...]}
 * </pre>
 *
 * <p>{@code publicKey} is the options object itself (the member of the
 * {@code {"publicKey": ...}} wrapper that {@link LoginStep.PasskeyChallenge#credentialsGetJson()}
 * and {@link LoginStep.HealingOffer#credentialsCreateJson()} hold), ready for
 * {@code PublicKeyCredential.parseRequestOptionsFromJSON} / {@code parseCreationOptionsFromJSON}.
 * A signal is {@code {"method": "signalAllAcceptedCredentials", "options": {...}}} with the
 * argument of that {@code PublicKeyCredential} method. The flow id and the user handle are left
 * out: the flow id belongs in the host's session, not in the page.
 */
public final class StepJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StepJson() {}

    /** The step as JSON text. */
    public static String write(LoginStep step) {
        try {
            return MAPPER.writeValueAsString(toJson(step));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a step as JSON", e);
        }
    }

    /** The step as a Jackson tree (to add members of the host's own before writing it). */
    public static ObjectNode toJson(LoginStep step) {
        Objects.requireNonNull(step, "step");
        ObjectNode out = MAPPER.createObjectNode();
        if (step instanceof LoginStep.PasskeyChallenge challenge) {
            out.put("type", "passkey");
            out.set("publicKey", publicKey(challenge.credentialsGetJson()));
            out.put("autoStart", challenge.autoStart());
            out.put("calmRetry", challenge.calmRetry());
            out.put("immediate", challenge.immediate());
            out.put("attempt", challenge.attempt());
        } else if (step instanceof LoginStep.FallbackRequired fallback) {
            out.put("type", "fallback");
            out.put("reason", fallback.reason().name());
            out.put("identifier", fallback.identifier());
            out.put("remainingAttempts", fallback.remainingAttempts());
            out.put("passkeyAlternative", fallback.passkeyAlternative());
        } else if (step instanceof LoginStep.HealingOffer offer) {
            out.put("type", "healing");
            out.set("publicKey", publicKey(offer.credentialsCreateJson()));
            out.put("kind", offer.kind().name());
            out.set("diagnosis", diagnosis(offer.diagnosis()));
            out.put("platform", offer.platform().storedName());
            out.put("unlockMethod", offer.platform().unlockMethod());
        } else if (step instanceof LoginStep.Completed completed) {
            out.put("type", "completed");
            out.put("method", completed.method().name());
            out.put("healing", completed.healing().name());
            out.put("redirect", completed.redirectTo());
        }
        out.set("signals", signals(step.signals()));
        return out;
    }

    /** A diagnosis as {@code {"cause", "confidence", "evidence": [...]}}. */
    public static ObjectNode diagnosis(FailureDiagnosis diagnosis) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("cause", diagnosis.cause().name());
        out.put("confidence", diagnosis.confidence().name());
        ArrayNode evidence = out.putArray("evidence");
        diagnosis.evidence().forEach(evidence::add);
        return out;
    }

    /** Signal API calls as {@code [{"method", "options"}]}. */
    public static ArrayNode signals(List<ClientSignal> signals) {
        ArrayNode out = MAPPER.createArrayNode();
        for (ClientSignal signal : signals) {
            ObjectNode call = out.addObject();
            ObjectNode options = MAPPER.createObjectNode();
            options.put("rpId", signal.rpId());
            if (signal instanceof ClientSignal.UnknownCredential unknown) {
                call.put("method", "signalUnknownCredential");
                options.put("credentialId", unknown.credentialId());
            } else if (signal instanceof ClientSignal.AllAcceptedCredentials all) {
                call.put("method", "signalAllAcceptedCredentials");
                options.put("userId", all.userId());
                ArrayNode ids = options.putArray("allAcceptedCredentialIds");
                all.allAcceptedCredentialIds().forEach(ids::add);
            } else if (signal instanceof ClientSignal.CurrentUserDetails details) {
                call.put("method", "signalCurrentUserDetails");
                options.put("userId", details.userId());
                options.put("name", details.name());
                options.put("displayName", details.displayName());
            }
            call.set("options", options);
        }
        return out;
    }

    /** The options inside LoginFlow's {@code {"publicKey": ...}} wrapper. */
    private static JsonNode publicKey(String credentialsJson) {
        try {
            JsonNode node = MAPPER.readTree(credentialsJson);
            JsonNode inner = node.get("publicKey");
            if (inner == null || !inner.isObject()) {
                throw new IllegalStateException("ceremony JSON without a publicKey member");
            }
            return inner;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ceremony JSON is not JSON", e);
        }
    }
}
