package dev.passkeyflow.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.LoginFlowException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 9457 problem details ({@code application/problem+json}) for refused calls: {@code type},
 * {@code title}, {@code status}, {@code instance}, plus {@code reason} (the
 * {@link LoginFlowException.Reason} name) and {@code error} (the sentence the browser client shows).
 * The exception's own message is never written: it may describe the request.
 */
final class ProblemDetails {

    private final ObjectMapper json;

    ProblemDetails(ObjectMapper json) {
        this.json = json;
    }

    /** The HTTP status of each reason. */
    static int status(LoginFlowException.Reason reason) {
        return switch (reason) {
            case INVALID_INPUT -> 400;
            case UNKNOWN_FLOW, UNKNOWN_USER -> 404;
            case ILLEGAL_TRANSITION, CONFLICT -> 409;
            case LOCKED -> 423;
            case THROTTLED -> 429;
            case STORAGE_FAILURE -> 503;
        };
    }

    static String title(LoginFlowException.Reason reason) {
        return switch (reason) {
            case INVALID_INPUT -> "The request was not understood";
            case UNKNOWN_FLOW -> "This sign-in has expired; please start again";
            case UNKNOWN_USER -> "No such account";
            case ILLEGAL_TRANSITION -> "This sign-in has moved on; please reload";
            case CONFLICT -> "Another request changed this sign-in; please reload";
            case LOCKED -> "Too many wrong passwords: this sign-in is locked";
            case THROTTLED -> "Too many attempts; please wait";
            case STORAGE_FAILURE -> "Please try again";
        };
    }

    /** The problem of a refused flow call; {@code THROTTLED} adds {@code Retry-After} (seconds, at least 1). */
    void write(HttpServletRequest request, HttpServletResponse response, LoginFlowException e) throws IOException {
        int status = status(e.reason());
        ObjectNode problem = json.createObjectNode();
        problem.put(
                "type",
                "urn:passkeyflow:problem:"
                        + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        problem.put("title", title(e.reason()));
        problem.put("status", status);
        problem.put("instance", request.getRequestURI());
        problem.put("reason", e.reason().name());
        // "error": the message the browser client shows (its servererror event).
        String message = title(e.reason()) + ".";
        Optional<Duration> retryAfter = e.retryAfter();
        if (retryAfter.isPresent()) {
            long seconds = Math.max(1, retryAfter.get().toSeconds());
            response.setHeader("Retry-After", Long.toString(seconds));
            problem.put("retryAfterSeconds", seconds);
            String detail = "Try again in " + Math.max(1, (seconds + 59) / 60) + " minute(s).";
            problem.put("detail", detail);
            message += " " + detail;
        }
        problem.put("error", message);
        send(response, status, problem);
    }

    /** 401: no signed-in user where one is needed, or the application refused the account. */
    void writeUnauthorized(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode problem = json.createObjectNode();
        problem.put("type", "urn:passkeyflow:problem:unauthorized");
        problem.put("title", "This account cannot sign in");
        problem.put("status", 401);
        problem.put("instance", request.getRequestURI());
        problem.put("error", "This account cannot sign in.");
        send(response, 401, problem);
    }

    private void send(HttpServletResponse response, int status, ObjectNode problem) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), problem);
    }
}
