package dev.passkeyflow.core;

import java.util.Objects;
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
        /** Storage failed; nothing was changed and the same call may be retried. */
        STORAGE_FAILURE
    }

    private final Reason reason;

    public LoginFlowException(Reason reason, String message) {
        this(reason, message, null);
    }

    public LoginFlowException(Reason reason, String message, @Nullable Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
