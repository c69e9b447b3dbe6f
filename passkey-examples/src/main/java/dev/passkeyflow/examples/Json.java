package dev.passkeyflow.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.ClientSignal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** JSON for the page: Signal API calls, page state, and parsing of what the script posts. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static String write(@Nullable Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** JSON safe to put inside a {@code <script type="application/json">} element. */
    static String forScript(@Nullable Object value) {
        return write(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /** Parses JSON, or returns {@code null} when it is not JSON. */
    static @Nullable JsonNode parse(@Nullable String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * The Signal API calls of a step, for the script: each names the
     * {@code PublicKeyCredential} method and carries its argument.
     */
    static List<Map<String, Object>> signals(List<ClientSignal> signals) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClientSignal signal : signals) {
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("rpId", signal.rpId());
            String method;
            if (signal instanceof ClientSignal.UnknownCredential unknown) {
                method = "signalUnknownCredential";
                options.put("credentialId", unknown.credentialId());
            } else if (signal instanceof ClientSignal.AllAcceptedCredentials all) {
                method = "signalAllAcceptedCredentials";
                options.put("userId", all.userId());
                options.put("allAcceptedCredentialIds", all.allAcceptedCredentialIds());
            } else if (signal instanceof ClientSignal.CurrentUserDetails details) {
                method = "signalCurrentUserDetails";
                options.put("userId", details.userId());
                options.put("name", details.name());
                options.put("displayName", details.displayName());
            } else {
                continue;
            }
            out.add(Map.of("method", method, "options", options));
        }
        return out;
    }
}
