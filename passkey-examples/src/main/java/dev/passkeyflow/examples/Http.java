package dev.passkeyflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.examples.Sessions.FlowRef;
import dev.passkeyflow.examples.Sessions.WebSession;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The demo's HTTP helpers: the request's session and the tab's flow in it, content types, redirects,
 * problems, cookies, the loopback-address check and the error a ceremony ended with.
 */
final class Http {

    private Http() {}

    static WebSession session(Context ctx) {
        return Objects.requireNonNull(ctx.<WebSession>attribute("session"));
    }

    /** The {@code publicKey} member of a {@code {"publicKey": ...}} wrapper, for the modes pages' scripts. */
    static Object publicKey(String credentialsJson) {
        JsonNode node = Objects.requireNonNull(Json.parse(credentialsJson), "the flow's credentials JSON");
        return node.has("publicKey") ? node.get("publicKey") : node;
    }

    static void redirect(Context ctx, String target, boolean json, HttpStatus jsonStatus) {
        if (json) {
            ctx.status(jsonStatus).json(Map.of("redirect", target));
        } else {
            ctx.redirect(target, HttpStatus.SEE_OTHER);
        }
    }

    static void problem(Context ctx, HttpStatus status, String title, String message) {
        if (isJson(ctx)) {
            ctx.status(status).json(Map.of("error", message));
        } else {
            ctx.status(status).html(SignInPages.problem(session(ctx), title, message));
        }
    }

    static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.startsWith("application/json");
    }

    static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null
                && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"));
    }

    /** Cookies: HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS. */
    static void setCookie(Context ctx, String name, String value, int maxAgeSeconds) {
        StringBuilder cookie =
                new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAgeSeconds >= 0) {
            cookie.append("; Max-Age=").append(maxAgeSeconds);
        }
        if ("https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"))) {
            cookie.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", cookie.toString());
    }

    /** The tab's flow key: {@code ?f=} on script requests, the form field {@code f} on forms. */
    static String flowKey(Context ctx) {
        String key = ctx.queryParam("f");
        if (key == null && isForm(ctx)) {
            key = ctx.formParam("f");
        }
        return Objects.requireNonNullElse(key, "");
    }

    static String flowId(WebSession session, String key) {
        FlowRef ref = session.flow(key);
        if (ref == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no such flow in this session");
        }
        return ref.flowId();
    }

    /** Whether the Host header names a loopback IP literal (127.0.0.1, [::1]) rather than localhost. */
    static boolean loopbackAddress(@Nullable String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[")
                ? host.substring(0, Math.max(1, host.indexOf(']') + 1))
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return name.startsWith("127.") || name.equals("[::1]");
    }

    /** The error a ceremony ended with, as the script posts it. */
    record ClientError(String name, @Nullable String message, long elapsedMillis) {
        /** For the footer: e.g. "NotAllowedError after 3012 ms (sign-in)"; the message is not shown. */
        String describe(String ceremony) {
            String safeName = name.length() > 40 ? name.substring(0, 40) : name;
            return safeName + (elapsedMillis >= 0 ? " after " + elapsedMillis + " ms" : "") + " (" + ceremony + ")";
        }

        static ClientError from(String body) {
            JsonNode node = Json.parse(body);
            if (node == null || !node.isObject() || !node.path("name").isTextual()) {
                throw new LoginFlowException(
                        LoginFlowException.Reason.INVALID_INPUT, "expected {name, message, elapsedMillis}");
            }
            JsonNode message = node.get("message");
            JsonNode elapsed = node.get("elapsedMillis");
            return new ClientError(
                    node.get("name").textValue(),
                    message != null && message.isTextual() ? message.textValue() : null,
                    elapsed != null && elapsed.canConvertToLong() ? elapsed.longValue() : -1);
        }
    }
}
