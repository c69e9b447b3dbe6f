package dev.passkeyflow.core.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.LastLoginHint;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ClientContext} of a login request from its headers and the JSON the page
 * posted ({@code collectClientContext()} of {@code passkeyflow-client.js}).
 *
 * <p>From the headers: {@code User-Agent}, and the UA client hints {@code Sec-CH-UA-Platform},
 * {@code Sec-CH-UA-Platform-Version} (high entropy: sent only after the server asked for it with
 * {@code Accept-CH}) and {@code Sec-CH-UA-Mobile} ({@code ?1} / {@code ?0}), RFC 8942 and
 * https://wicg.github.io/ua-client-hints/. From the page: {@code capabilities}
 * ({@code PublicKeyCredential.getClientCapabilities()}, boolean members only),
 * {@code userVerifyingPlatformAuthenticator}, {@code conditionalMediation}, {@code hints}
 * ({@code navigator.userAgentData}; the page's values win over the headers', since they include the
 * high-entropy platform version), {@code lastLogin} and {@code deviceId}.
 *
 * <p>The device id the host passes (from its own first-party cookie) wins over the page's
 * localStorage one. Everything the page posts is untrusted: it steers the choice of ceremony and the
 * wording, never who is signed in. A payload that is not a JSON object or is longer than
 * {@value #MAX_PAYLOAD_CHARS} characters is ignored (the context is then built from the headers
 * alone, and the login still works); so is every member of the wrong type.
 */
public final class ClientContextReader {

    /** The longest page payload read, in characters; a longer one is ignored. */
    public static final int MAX_PAYLOAD_CHARS = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ClientContextReader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{22,64}");

    private ClientContextReader() {}

    /**
     * The client context of a request.
     *
     * @param header a request's header by name, {@code null} when absent (e.g. {@code request::getHeader})
     * @param pagePayload the page's JSON as posted (e.g. a hidden form field), or {@code null}
     * @param hostDeviceId the device id from the host's own cookie, or {@code null} to use the page's
     */
    public static ClientContext read(
            Function<String, @Nullable String> header, @Nullable String pagePayload, @Nullable String hostDeviceId) {
        Objects.requireNonNull(header, "header");
        JsonNode page = parse(pagePayload);
        ClientContext.Builder builder = ClientContext.builder()
                .userAgent(header.apply("User-Agent"))
                .hints(hints(header, page == null ? null : page.get("hints")));
        String deviceId = hostDeviceId;
        if (page != null) {
            builder.capabilities(capabilities(page.get("capabilities")))
                    .userVerifyingPlatformAuthenticator(bool(page.get("userVerifyingPlatformAuthenticator")))
                    .conditionalMediation(bool(page.get("conditionalMediation")))
                    .lastLogin(lastLogin(page.get("lastLogin")));
            String posted = text(page, "deviceId");
            if (deviceId == null && posted != null && DEVICE_ID.matcher(posted).matches()) {
                deviceId = posted;
            }
        }
        return builder.deviceId(deviceId).build();
    }

    private static @Nullable JsonNode parse(@Nullable String payload) {
        if (payload == null || payload.isBlank()) {
            return null;
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            LOG.debug("client payload ignored: {} characters, more than {}", payload.length(), MAX_PAYLOAD_CHARS);
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(payload);
            if (node != null && node.isObject()) {
                return node;
            }
            LOG.debug("client payload ignored: not a JSON object");
        } catch (JsonProcessingException e) {
            LOG.debug("client payload ignored: not JSON");
        }
        return null;
    }

    private static ClientHints hints(Function<String, @Nullable String> header, @Nullable JsonNode posted) {
        String platform = text(posted, "platform");
        String version = text(posted, "platformVersion");
        Boolean mobile = (posted == null || !posted.isObject()) ? null : bool(posted.get("mobile"));
        if (platform == null || platform.isBlank()) {
            platform = header.apply("Sec-CH-UA-Platform");
        }
        if (version == null || version.isBlank()) {
            version = header.apply("Sec-CH-UA-Platform-Version");
        }
        String mobileHeader = header.apply("Sec-CH-UA-Mobile");
        if (mobile == null && mobileHeader != null) {
            mobile = "?1".equals(mobileHeader.trim());
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
        // All of them (the payload is bounded in length): ClientContext keeps the known keys first.
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isBoolean()) {
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
