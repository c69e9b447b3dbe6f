package dev.passkeyflow.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LoginFlow} call could not be carried out. The stored flow is unchanged unless the reason
 * says otherwise ({@link Reason#LOCKED}).
 */
public class LoginFlowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a call failed, for the host to map to a response. */
    public enum Reason {
        /** No flow has this id, or it has expired; the two are deliberately indistinguishable. Start again. */
        UNKNOWN_FLOW,
        /** The call does not fit the flow's current state (e.g. finishing a passkey login twice). */
        ILLEGAL_TRANSITION,
        /** The request is malformed, of the wrong type or too large; the user can retry within the flow. */
        INVALID_INPUT,
        /** Another request changed the flow at the same time and won; reload and continue from its result. */
        CONFLICT,
        /** Too many failed traditional logins: the flow is locked. */
        LOCKED,
        /** The identifier names no account (only for calls that need one, such as enrolment). */
        UNKNOWN_USER,
        /**
         * Storage failed. The step may or may not have been committed: repeat exactly the same call
         * (the same response) to be told its result; a different call is judged on whatever state
         * the flow is in.
         */
        STORAGE_FAILURE,
        /**
         * Too many failed traditional logins or flow starts for this identifier or device in the
         * current window ({@link LoginThrottle}); {@link LoginFlowException#retryAfter()} says when
         * to try again. Nothing was changed.
         */
        THROTTLED
    }

    private final Reason reason;
    private final @Nullable Duration retryAfter;

    public LoginFlowException(Reason reason, String message) {
        this(reason, message, null);
    }

    public LoginFlowException(Reason reason, String message, @Nullable Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
        this.retryAfter = null;
    }

    /** A {@link Reason#THROTTLED} refusal: try again after {@code retryAfter}. */
    public static LoginFlowException throttled(String message, Duration retryAfter) {
        return new LoginFlowException(message, retryAfter);
    }

    private LoginFlowException(String message, Duration retryAfter) {
        super(Reason.THROTTLED + ": " + message, null);
        this.reason = Reason.THROTTLED;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * For {@link Reason#THROTTLED}: how long until the call may succeed (whole seconds, at least 1
     * second), for an HTTP {@code Retry-After} header; empty for every other reason.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Reason reason() {
        return reason;
    }
}
