package dev.passkeyflow.storage;

/**
 * The classified outcome of one step of a login flow: a passkey assertion, a passkey registration
 * (healing or first passkey) or the host's fallback login.
 */
public enum AttemptOutcome {
    // --- passkey login (navigator.credentials.get) ---
    /** The assertion was verified. */
    SUCCEEDED(Ceremony.AUTHENTICATION, false),
    /** The browser reported NotAllowedError or AbortError: a cancel, a timeout or no credential. */
    CANCELLED(Ceremony.AUTHENTICATION, false),
    /** The browser reported TimeoutError, or a NotAllowedError after the ceremony timeout. */
    TIMED_OUT(Ceremony.AUTHENTICATION, false),
    /** The browser reported SecurityError: RP id or origin misconfiguration. */
    SECURITY_ERROR(Ceremony.AUTHENTICATION, false),
    /** The browser reported another DOMException name (kept in the attempt). */
    CLIENT_ERROR(Ceremony.AUTHENTICATION, false),
    /**
     * A request in immediate UI mode ({@code uiMode: 'immediate'}) was rejected with
     * {@code NotAllowedError}: without UI when no credential for the RP is locally available, or after
     * the person dismissed the browser's UI, or because the browser throttled the request.
     */
    IMMEDIATE_REJECTED(Ceremony.AUTHENTICATION, false),
    /** The response named a credential id the server does not know. */
    UNKNOWN_CREDENTIAL(Ceremony.AUTHENTICATION, true),
    /** The credential belongs to an account other than the flow's. */
    WRONG_USER(Ceremony.AUTHENTICATION, true),
    /** The credential exists but is retired. */
    CREDENTIAL_RETIRED(Ceremony.AUTHENTICATION, true),
    /** The assertion signature did not verify. */
    BAD_SIGNATURE(Ceremony.AUTHENTICATION, true),
    /** The signature counter did not increase: a possible cloned authenticator. */
    COUNTER_REGRESSION(Ceremony.AUTHENTICATION, true),
    /** The client data named another origin, or the authenticator data another RP id. */
    ORIGIN_MISMATCH(Ceremony.AUTHENTICATION, true),
    /** User verification was required but the authenticator did not perform it. */
    USER_VERIFICATION_MISSING(Ceremony.AUTHENTICATION, true),
    /** The response answered another, an expired or an already used challenge. */
    CHALLENGE_MISMATCH(Ceremony.AUTHENTICATION, true),
    /** Verification failed for another reason. */
    VERIFICATION_FAILED(Ceremony.AUTHENTICATION, true),

    // --- fallback (the host's traditional login) ---
    FALLBACK_SUCCEEDED(Ceremony.FALLBACK, false),
    FALLBACK_FAILED(Ceremony.FALLBACK, false),

    // --- passkey registration (navigator.credentials.create) ---
    /** A new passkey was verified and stored. */
    REGISTERED(Ceremony.REGISTRATION, false),
    /** InvalidStateError: the authenticator already holds a passkey of this account. */
    ALREADY_REGISTERED(Ceremony.REGISTRATION, false),
    /** The user declined the offer to create a passkey. */
    REGISTRATION_DECLINED(Ceremony.REGISTRATION, false),
    /** The user cancelled the OS dialog (NotAllowedError / AbortError). */
    REGISTRATION_CANCELLED(Ceremony.REGISTRATION, false),
    /** The browser or the server rejected the registration. */
    REGISTRATION_FAILED(Ceremony.REGISTRATION, false);

    /** Which kind of step an outcome belongs to. */
    public enum Ceremony {
        AUTHENTICATION,
        REGISTRATION,
        FALLBACK
    }

    private final Ceremony ceremony;
    private final boolean serverSide;

    AttemptOutcome(Ceremony ceremony, boolean serverSide) {
        this.ceremony = ceremony;
        this.serverSide = serverSide;
    }

    public Ceremony ceremony() {
        return ceremony;
    }

    /** Whether the server decided this outcome while verifying a response (as opposed to the browser). */
    public boolean isServerSide() {
        return serverSide;
    }

    /** Whether this is a failed passkey login, from the browser or the server. */
    public boolean isAuthenticationFailure() {
        return ceremony == Ceremony.AUTHENTICATION && this != SUCCEEDED;
    }
}
