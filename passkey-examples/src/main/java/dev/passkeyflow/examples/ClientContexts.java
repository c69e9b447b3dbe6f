package dev.passkeyflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.LastLoginHint;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link ClientContext} passkeyflow decides with: the device-id cookie, the User-Agent
 * and client-hint headers from the request, and what the page measured and posted in the hidden
 * {@code client} field (capabilities, platform authenticator, conditional mediation, high-entropy
 * client hints, the last-login hint). Everything posted is untrusted and only steers the wording
 * and the choice of ceremony, never who is signed in.
 */
final class ClientContexts {

    /** Posted client data larger than this is ignored. */
    static final int MAX_CLIENT_JSON = 8 * 1024;

    private ClientContexts() {
    }

    static ClientContext from(Context ctx, @Nullable String deviceId) {
        String posted = ctx.formParam("client");
        JsonNode client = posted != null && posted.length() <= MAX_CLIENT_JSON ? Json.parse(posted) : null;
        ClientContext.Builder builder = ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(ctx.header("User-Agent"))
                .hints(hints(ctx, client));
        if (client != null && client.isObject()) {
            builder.capabilities(capabilities(client.get("capabilities")))
                    .userVerifyingPlatformAuthenticator(bool(client.get("userVerifyingPlatformAuthenticator")))
                    .conditionalMediation(bool(client.get("conditionalMediation")))
                    .lastLogin(lastLogin(client.get("lastLogin")));
        }
        return builder.build();
    }

    private static ClientHints hints(Context ctx, @Nullable JsonNode client) {
        JsonNode posted = client == null ? null : client.get("hints");
        String platform = text(posted, "platform");
        String version = text(posted, "platformVersion");
        Boolean mobile = posted == null ? null : bool(posted.get("mobile"));
        if (platform == null || platform.isBlank()) {
            platform = ctx.header("Sec-CH-UA-Platform");
        }
        if (version == null || version.isBlank()) {
            version = ctx.header("Sec-CH-UA-Platform-Version");
        }
        if (mobile == null && ctx.header("Sec-CH-UA-Mobile") != null) {
            mobile = "?1".equals(ctx.header("Sec-CH-UA-Mobile"));
        }
        if (platform == null && version == null && mobile == null) {
            return ClientHints.none();
        }
        return new ClientHints(platform, version, mobile);
    }

    private static Map<String, Boolean> capabilities(@Nullable JsonNode node) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext() && out.size() < ClientContext.MAX_CAPABILITIES) {
            Map.Entry<String, JsonNode> field = fields.next();
            // The demo page does not implement immediate UI mode yet (uiMode: 'immediate' and
            // LoginFlow.reportImmediateRejection), so it must not let the advisor choose it.
            if (field.getValue().isBoolean() && !ClientContext.CAPABILITY_IMMEDIATE_GET.equals(field.getKey())) {
                out.put(field.getKey(), field.getValue().booleanValue());
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
        return (node != null && node.isBoolean()) ? node.booleanValue() : null;
    }

    private static @Nullable String text(@Nullable JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
