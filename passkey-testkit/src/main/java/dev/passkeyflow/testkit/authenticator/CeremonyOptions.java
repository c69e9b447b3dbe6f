package dev.passkeyflow.testkit.authenticator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.storage.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The parts of the relying party's options JSON the authenticator acts on. */
final class CeremonyOptions {

    /** What {@code pubKeyCredParams} means when it is empty: ES256 and RS256. */
    private static final List<Long> DEFAULT_ALGORITHMS = List.of(-7L, -257L);

    private CeremonyOptions() {}

    /**
     * Options for {@code navigator.credentials.create()}.
     *
     * @param rpId {@code rp.id}, or null when absent (then the origin's host applies)
     * @param userHandle {@code user.id}
     * @param userName {@code user.name}
     * @param challenge {@code challenge}, base64url as given
     * @param algorithms the COSE identifiers of {@code pubKeyCredParams}, in order
     * @param excludeCredentials the ids of {@code excludeCredentials}
     * @param residentKeyRequested whether {@code residentKey} is required or preferred, or
     *     {@code requireResidentKey} is true
     * @param credPropsRequested whether the {@code credProps} extension was requested
     */
    record Creation(
            @Nullable String rpId,
            Bytes userHandle,
            String userName,
            String challenge,
            List<Long> algorithms,
            List<Bytes> excludeCredentials,
            boolean residentKeyRequested,
            boolean credPropsRequested) {}

    /**
     * Options for {@code navigator.credentials.get()}.
     *
     * @param rpId {@code rpId}, or null when absent (then the origin's host applies)
     * @param challenge {@code challenge}, base64url as given
     * @param allowCredentials the ids of {@code allowCredentials}; empty means discoverable
     *     credentials
     */
    record Request(@Nullable String rpId, String challenge, List<Bytes> allowCredentials) {}

    static Creation parseCreation(ObjectMapper mapper, String json) {
        JsonNode options = unwrap(read(mapper, json), "publicKey");
        JsonNode user = requireObject(options, "user");
        List<Long> algorithms = new ArrayList<>();
        for (JsonNode parameter : array(options, "pubKeyCredParams")) {
            if ("public-key".equals(parameter.path("type").asText("public-key"))
                    && parameter.path("alg").canConvertToLong()) {
                algorithms.add(parameter.path("alg").asLong());
            }
        }
        if (algorithms.isEmpty()) {
            algorithms.addAll(DEFAULT_ALGORITHMS);
        }
        JsonNode selection = options.path("authenticatorSelection");
        String residentKey = selection.path("residentKey").asText("");
        boolean residentKeyRequested = residentKey.equals("required")
                || residentKey.equals("preferred")
                || (residentKey.isEmpty()
                        && selection.path("requireResidentKey").asBoolean(false));
        return new Creation(
                optionalText(options.path("rp"), "id"),
                base64Url(requireText(user, "id"), "user.id"),
                user.path("name").asText(""),
                requireText(options, "challenge"),
                List.copyOf(algorithms),
                descriptorIds(options, "excludeCredentials"),
                residentKeyRequested,
                options.path("extensions").path("credProps").asBoolean(false));
    }

    static Request parseRequest(ObjectMapper mapper, String json) {
        JsonNode root = read(mapper, json);
        JsonNode options = root.has("publicKeyCredentialRequestOptions")
                ? requireObject(root, "publicKeyCredentialRequestOptions")
                : unwrap(root, "publicKey");
        return new Request(
                optionalText(options, "rpId"),
                requireText(options, "challenge"),
                descriptorIds(options, "allowCredentials"));
    }

    private static JsonNode read(ObjectMapper mapper, String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("options are not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("options must be a JSON object");
        }
        return root;
    }

    private static JsonNode unwrap(JsonNode root, String wrapper) {
        return root.has(wrapper) ? requireObject(root, wrapper) : root;
    }

    private static List<Bytes> descriptorIds(JsonNode options, String field) {
        List<Bytes> ids = new ArrayList<>();
        for (JsonNode descriptor : array(options, field)) {
            ids.add(base64Url(requireText(descriptor, "id"), field + "[].id"));
        }
        return List.copyOf(ids);
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + " must be an array");
        }
        return value;
    }

    private static JsonNode requireObject(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isObject()) {
            throw new IllegalArgumentException(field + " must be a JSON object");
        }
        return value;
    }

    private static String requireText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return value.asText();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static Bytes base64Url(String value, String what) {
        try {
            return Bytes.fromBase64Url(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64url: " + value, e);
        }
    }
}
