package dev.passkeyflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.examples.Sessions.WebSession;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.Objects;

/** The demo's HTTP helpers: the request's session, content types, redirects, problems and cookies. */
final class Http {

    private Http() {
    }

    static WebSession session(Context ctx) {
        return Objects.requireNonNull(ctx.<WebSession>attribute("session"));
    }

    static Object publicKey(String credentialsJson) {
        JsonNode node = Json.parse(credentialsJson);
        return node != null && node.has("publicKey") ? node.get("publicKey") : node;
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
            ctx.status(status).html(Pages.problem(session(ctx), title, message));
        }
    }

    static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.startsWith("application/json");
    }

    static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && (type.startsWith("application/x-www-form-urlencoded")
                || type.startsWith("multipart/form-data"));
    }

    /** Cookies: HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS. */
    static void setCookie(Context ctx, String name, String value, int maxAgeSeconds) {
        StringBuilder cookie = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAgeSeconds >= 0) {
            cookie.append("; Max-Age=").append(maxAgeSeconds);
        }
        if ("https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"))) {
            cookie.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", cookie.toString());
    }
}
