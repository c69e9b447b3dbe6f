package dev.passkeyflow.testkit.authenticator;

import java.util.Objects;

/**
 * A ceremony the {@link SoftwareAuthenticator} refused, reported the way a browser reports it: as
 * a {@code DOMException} with a well-known name.
 */
public final class AuthenticatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@code DOMException} names a browser uses for the failures this authenticator models. */
    public enum DomError {
        /** No credential the request allows is available, or the user gave up. */
        NOT_ALLOWED("NotAllowedError"),
        /** Registration found a credential of {@code excludeCredentials} on this authenticator. */
        INVALID_STATE("InvalidStateError"),
        /** None of the requested public key algorithms is supported. */
        NOT_SUPPORTED("NotSupportedError"),
        /** The RP ID is not the origin's host or a registrable suffix of it. */
        SECURITY("SecurityError");

        private final String domExceptionName;

        DomError(String domExceptionName) {
            this.domExceptionName = domExceptionName;
        }

        /** The {@code DOMException.name} a browser reports, e.g. {@code "NotAllowedError"}. */
        public String domExceptionName() {
            return domExceptionName;
        }
    }

    /** What a browser would report. */
    private final DomError error;

    /**
     * A refused ceremony.
     *
     * @param error what a browser would report
     * @param message a description for humans
     */
    public AuthenticatorException(DomError error, String message) {
        super(Objects.requireNonNull(error, "error").domExceptionName() + ": "
                + Objects.requireNonNull(message, "message"));
        this.error = error;
    }

    /** What a browser would report. */
    public DomError error() {
        return error;
    }

    /** The {@code DOMException.name} a browser would report, e.g. {@code "InvalidStateError"}. */
    public String domExceptionName() {
        return error.domExceptionName();
    }
}
