package dev.passkeyflow.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The framing members of a client data JSON that Yubico 2.9.0 does not read: {@code crossOrigin}
 * and {@code topOrigin} (WebAuthn Level 3, §5.8.1 {@code CollectedClientData}).
 *
 * <p>Parsing rules, and why:
 * <ul>
 *   <li>{@code crossOrigin} absent: same-origin. Lenient, because clients before Level 3 (and
 *       native platforms) omit it, and the spec's verification steps only act when it is present
 *       and true.</li>
 *   <li>{@code crossOrigin} present but not a JSON boolean: {@link #malformed}. Strict: the member
 *       is typed {@code boolean} and no known client sends anything else, so an unreadable frame
 *       is treated like a foreign one.</li>
 *   <li>{@code topOrigin} present but not a string: {@link #malformed}, for the same reason.</li>
 * </ul>
 *
 * @param crossOrigin whether the ceremony ran in an iframe that is not same-origin with its ancestors
 * @param topOrigin the origin of the top-level page, when the client reported one
 * @param malformed whether one of the two members had a type the spec does not allow
 */
record ClientDataFrame(boolean crossOrigin, @Nullable String topOrigin, boolean malformed) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The frame of a top-level page: what a client reports outside any iframe. */
    static final ClientDataFrame TOP_LEVEL = new ClientDataFrame(false, null, false);

    /**
     * Reads the framing members of client data that Yubico has already parsed successfully.
     *
     * @param clientDataJson the raw client data bytes, as the client sent them
     * @return the frame; {@link #malformed} when the bytes are not a JSON object at all
     */
    static ClientDataFrame of(byte[] clientDataJson) {
        JsonNode root;
        try {
            root = JSON.readTree(clientDataJson);
        } catch (IOException e) {
            return new ClientDataFrame(false, null, true);
        }
        if (root == null || !root.isObject()) {
            return new ClientDataFrame(false, null, true);
        }
        JsonNode cross = root.get("crossOrigin");
        JsonNode top = root.get("topOrigin");
        boolean malformed = (cross != null && !cross.isBoolean()) || (top != null && !top.isTextual());
        return new ClientDataFrame(
                cross != null && cross.asBoolean(false),
                top != null && top.isTextual() ? top.asText() : null,
                malformed);
    }

    /**
     * Whether the relying party accepts this frame (WebAuthn Level 3 §7.1 steps 10-11, §7.2 steps
     * 13-14): a top-level ceremony always; a ceremony in a cross-origin iframe only when the client
     * named the top-level origin and it is one the relying party listed.
     *
     * @param allowedTopOrigins the origins allowed to embed the relying party; empty means none
     */
    boolean allowedBy(Set<String> allowedTopOrigins) {
        if (malformed) {
            return false;
        }
        if (!crossOrigin && topOrigin == null) {
            return true;
        }
        // crossOrigin without topOrigin (older Chrome) cannot be checked against the list: refused.
        return topOrigin != null && allowedTopOrigins.contains(topOrigin);
    }
}
