package dev.passkeyflow.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.LoginStep;
import java.util.List;

/**
 * The JSON the endpoints answer with: one object per {@link LoginStep}, tagged by {@code step}.
 * The flow id never leaves the server (it lives in the HTTP session).
 *
 * <pre>
 * {"step":"passkey",   "publicKey":{...}, "autoStart":true, "calmRetry":false, "attempt":1, "immediate":false, "signals":[]}
 * {"step":"password",  "reason":"PASSKEY_FAILED", "identifier":"alice", "remainingAttempts":5, "passkeyAlternative":true, "signals":[]}
 * {"step":"offer",     "publicKey":{...}, "kind":"AFTER_ERROR", "diagnosis":{"cause":...,"confidence":...,"evidence":[...]}, "platform":"MACOS", "signals":[]}
 * {"step":"completed", "redirect":"/", "method":"PASSKEY", "healing":"NOT_OFFERED", "signals":[...]}
 * </pre>
 *
 * <p>{@code publicKey} is the inner value of the library's {@code {"publicKey": ...}} JSON, ready
 * for {@code PublicKeyCredential.parseRequestOptionsFromJSON} / {@code parseCreationOptionsFromJSON}.
 * {@code autoStart} is already false on a calm retry (the person starts it). Each signal is
 * {@code {"method":"signalAllAcceptedCredentials","options":{...}}}.
 */
final class StepJson {

    private StepJson() {
    }

    static ObjectNode of(ObjectMapper json, LoginStep step, String redirect) {
        ObjectNode out = json.createObjectNode();
        if (step instanceof LoginStep.PasskeyChallenge c) {
            out.put("step", "passkey");
            out.set("publicKey", publicKey(json, c.credentialsGetJson()));
            out.put("autoStart", c.autoStart() && !c.calmRetry());
            out.put("calmRetry", c.calmRetry());
            out.put("attempt", c.attempt());
            out.put("immediate", c.immediate());
        } else if (step instanceof LoginStep.FallbackRequired f) {
            out.put("step", "password");
            out.put("reason", f.reason().name());
            out.put("identifier", f.identifier());
            out.put("remainingAttempts", f.remainingAttempts());
            out.put("passkeyAlternative", f.passkeyAlternative());
        } else if (step instanceof LoginStep.HealingOffer o) {
            out.put("step", "offer");
            out.set("publicKey", publicKey(json, o.credentialsCreateJson()));
            out.put("kind", o.kind().name());
            ObjectNode diagnosis = out.putObject("diagnosis");
            diagnosis.put("cause", o.diagnosis().cause().name());
            diagnosis.put("confidence", o.diagnosis().confidence().name());
            ArrayNode evidence = diagnosis.putArray("evidence");
            o.diagnosis().evidence().forEach(evidence::add);
            out.put("platform", o.platform().name());
        } else if (step instanceof LoginStep.Completed done) {
            out.put("step", "completed");
            out.put("redirect", redirect);
            out.put("method", done.method().name());
            out.put("healing", done.healing().name());
        }
        out.set("signals", signals(json, step.signals()));
        return out;
    }

    static ArrayNode signals(ObjectMapper json, List<ClientSignal> signals) {
        ArrayNode out = json.createArrayNode();
        for (ClientSignal signal : signals) {
            ObjectNode call = json.createObjectNode();
            ObjectNode options = json.createObjectNode();
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
            out.add(call);
        }
        return out;
    }

    private static JsonNode publicKey(ObjectMapper json, String credentialsJson) {
        try {
            JsonNode node = json.readTree(credentialsJson);
            return node.has("publicKey") ? node.get("publicKey") : node;
        } catch (JsonProcessingException e) {
            // The library wrote this JSON itself; failing to read it back is a bug, not bad input.
            throw new IllegalStateException("passkeyflow produced unreadable ceremony options", e);
        }
    }
}
