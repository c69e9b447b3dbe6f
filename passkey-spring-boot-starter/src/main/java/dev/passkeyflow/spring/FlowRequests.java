package dev.passkeyflow.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.web.ClientContextReader;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the endpoints' requests: bounded bodies, JSON objects, the device-id cookie and the
 * {@link ClientContext}. Bad input is a {@link LoginFlowException} with {@code INVALID_INPUT} whose
 * message never quotes the request.
 */
final class FlowRequests {

    static final String DEVICE_COOKIE = "pkf_device";
    /** Chrome caps cookie lifetimes at 400 days. */
    static final int DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;
    /** The flow refuses responses over 64 KiB by default; bodies are read up to this bound. */
    static final int MAX_BODY_BYTES = 128 * 1024;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,64}");

    private final ObjectMapper json;
    private final SecureRandom random;

    FlowRequests(ObjectMapper json, SecureRandom random) {
        this.json = json;
        this.random = random;
    }

    /** The body as text, at most {@link #MAX_BODY_BYTES} bytes. */
    static String body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "request body too large");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The body as a JSON object; a blank body is an empty object. */
    JsonNode object(HttpServletRequest request) throws IOException {
        String body = body(request);
        try {
            JsonNode node = body.isBlank() ? json.createObjectNode() : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // no cause: the exception would quote the request
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected a JSON object");
        }
    }

    /** A text member of a body, or {@code INVALID_INPUT} with the expected shape. */
    static String text(JsonNode body, String member, String expected) {
        JsonNode value = body.get(member);
        if (value == null || !value.isTextual()) {
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected " + expected);
        }
        return value.textValue();
    }

    /**
     * The client context from the request's headers, the page's {@code client} JSON and the device
     * id cookie, which is set (random, 256 bits, HttpOnly) when missing or malformed.
     */
    ClientContext client(HttpServletRequest request, HttpServletResponse response, @Nullable JsonNode client) {
        String deviceId = null;
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (DEVICE_COOKIE.equals(cookie.getName())
                        && TOKEN.matcher(cookie.getValue()).matches()) {
                    deviceId = cookie.getValue();
                }
            }
        }
        if (deviceId == null) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            deviceId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            response.addHeader(
                    "Set-Cookie",
                    DEVICE_COOKIE + "=" + deviceId + "; Path=/; Max-Age=" + DEVICE_COOKIE_MAX_AGE
                            + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : ""));
        }
        return ClientContextReader.read(request::getHeader, client == null ? null : client.toString(), deviceId);
    }

    /** The error a ceremony ended with, as the page posts it: {@code {name, message, elapsedMillis}}. */
    ClientError clientError(HttpServletRequest request) throws IOException {
        JsonNode node;
        try {
            node = json.readTree(body(request));
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject() || !node.path("name").isTextual()) {
            throw new LoginFlowException(
                    LoginFlowException.Reason.INVALID_INPUT, "expected {name, message, elapsedMillis}");
        }
        JsonNode message = node.get("message");
        return new ClientError(
                node.get("name").textValue(),
                message != null && message.isTextual() ? message.textValue() : null,
                elapsed(node));
    }

    /** {@code elapsedMillis} of a body, or -1 when it is missing or negative. */
    static long elapsed(JsonNode node) {
        JsonNode elapsed = node.get("elapsedMillis");
        return elapsed != null && elapsed.canConvertToLong() && elapsed.longValue() >= 0 ? elapsed.longValue() : -1;
    }

    /** A ceremony's error as the page reports it. */
    record ClientError(String name, @Nullable String message, long elapsedMillis) {}
}
