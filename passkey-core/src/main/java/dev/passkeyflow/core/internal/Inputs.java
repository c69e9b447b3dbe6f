package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The checks of what a caller passes in, made before a step loads anything: a bad value is an
 * {@code INVALID_INPUT} (or an unknown flow) and leaves stored state untouched.
 */
final class Inputs {

    private static final Pattern FLOW_ID = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    private static final int FLOW_ID_BYTES = 24;
    private static final int MAX_IDENTIFIER_LENGTH = 256;
    private static final int MAX_ERROR_NAME_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FlowSettings settings;

    Inputs(FlowSettings settings) {
        this.settings = settings;
    }

    /** A new flow id: 24 random bytes, base64url. */
    static String newFlowId() {
        byte[] bytes = new byte[FLOW_ID_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a flow id can be one this library handed out (others are unknown without a lookup). */
    static boolean isWellFormedFlowId(String flowId) {
        return FLOW_ID.matcher(flowId).matches();
    }

    /** The identifier as the host's normaliser makes it. */
    String identifier(String identifier) {
        if (identifier == null) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier is required");
        }
        if (identifier.length() > MAX_IDENTIFIER_LENGTH * 4) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier is too long");
        }
        String normalized = settings.identifierNormalizer().apply(identifier);
        if (normalized == null || normalized.isBlank()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier must not be blank");
        }
        if (normalized.length() > MAX_IDENTIFIER_LENGTH) {
            throw new LoginFlowException(
                    Reason.INVALID_INPUT, "identifier must be at most " + MAX_IDENTIFIER_LENGTH + " characters");
        }
        return normalized;
    }

    /** A browser's error name, stripped and cut to 64 characters. */
    static String errorName(String errorName) {
        if (errorName == null || errorName.isBlank()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "errorName is required");
        }
        String trimmed = errorName.strip();
        return trimmed.length() <= MAX_ERROR_NAME_LENGTH ? trimmed : trimmed.substring(0, MAX_ERROR_NAME_LENGTH);
    }

    /** A reported duration: negative means unknown (-1). */
    static long elapsed(long elapsedMillis) {
        return Math.max(-1, elapsedMillis);
    }

    /** A browser's response JSON, at most {@code maxResponseBytes} in UTF-8. */
    String response(String responseJson) {
        if (responseJson == null) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "response JSON is required");
        }
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit; check cheaply before encoding.
        if (responseJson.length() > settings.maxResponseBytes()
                || (responseJson.length() * 3L > settings.maxResponseBytes()
                        && responseJson.getBytes(StandardCharsets.UTF_8).length > settings.maxResponseBytes())) {
            throw new LoginFlowException(
                    Reason.INVALID_INPUT, "response is larger than " + settings.maxResponseBytes() + " bytes");
        }
        return responseJson;
    }
}
