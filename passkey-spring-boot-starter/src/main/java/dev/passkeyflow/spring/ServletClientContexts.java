package dev.passkeyflow.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.LastLoginHint;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link ClientContext} from the request (device-id cookie, User-Agent, UA client-hint
 * headers) and the {@code client} object the page posted (capabilities, platform authenticator,
 * conditional mediation, high-entropy hints, last-login hint). All of it is untrusted: it steers
 * wording and the choice of ceremony, never who is signed in.
 */
final class ServletClientContexts {

    private ServletClientContexts() {
    }

    static ClientContext from(HttpServletRequest request, @Nullable String deviceId, @Nullable JsonNode client) {
        ClientContext.Builder builder = ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(request.getHeader("User-Agent"))
                .hints(hints(request, client));
        if (client != null && client.isObject()) {
            builder.capabilities(capabilities(client.get("capabilities")))
                    .userVerifyingPlatformAuthenticator(bool(client.get("userVerifyingPlatformAuthenticator")))
                    .conditionalMediation(bool(client.get("conditionalMediation")))
                    .lastLogin(lastLogin(client.get("lastLogin")));
        }
        return builder.build();
    }

    private static ClientHints hints(HttpServletRequest request, @Nullable JsonNode client) {
        JsonNode posted = client == null ? null : client.get("hints");
        String platform = text(posted, "platform");
        String version = text(posted, "platformVersion");
        Boolean mobile = posted == null ? null : bool(posted.get("mobile"));
        if (platform == null || platform.isBlank()) {
            platform = unquote(request.getHeader("Sec-CH-UA-Platform"));
        }
        if (version == null || version.isBlank()) {
            version = unquote(request.getHeader("Sec-CH-UA-Platform-Version"));
        }
        if (mobile == null && request.getHeader("Sec-CH-UA-Mobile") != null) {
            mobile = "?1".equals(request.getHeader("Sec-CH-UA-Mobile"));
        }
        if (platform == null && version == null && mobile == null) {
            return ClientHints.none();
        }
        return new ClientHints(platform, version, mobile);
    }

    /** Structured-header strings arrive quoted ({@code "macOS"}). */
    private static @Nullable String unquote(@Nullable String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static Map<String, Boolean> capabilities(@Nullable JsonNode node) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        // ClientContext keeps a bounded number; the ones that drive decisions are read first.
        for (String key : new String[] {ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR,
                ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, ClientContext.CAPABILITY_HYBRID_TRANSPORT,
                ClientContext.CAPABILITY_CONDITIONAL_GET, ClientContext.CAPABILITY_CONDITIONAL_CREATE,
                ClientContext.CAPABILITY_IMMEDIATE_GET}) {
            JsonNode value = node.get(key);
            if (value != null && value.isBoolean()) {
                out.put(key, value.booleanValue());
            }
        }
        while (fields.hasNext() && out.size() < ClientContext.MAX_CAPABILITIES) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isBoolean()) {
                out.putIfAbsent(field.getKey(), field.getValue().booleanValue());
            }
        }
        return out;
    }

    private static @Nullable LastLoginHint lastLogin(@Nullable JsonNode node) {
        String identifier = text(node, "identifier");
        if (identifier == null || identifier.isBlank()) {
            return null;
        }
        return new LastLoginHint(identifier, text(node, "credentialId"));
    }

    private static @Nullable Boolean bool(@Nullable JsonNode node) {
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }

    private static @Nullable String text(@Nullable JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
