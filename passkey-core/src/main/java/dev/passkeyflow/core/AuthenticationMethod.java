package dev.passkeyflow.core;

/** How the user of a completed flow authenticated. */
public enum AuthenticationMethod {
    /** With a verified passkey assertion. */
    PASSKEY,
    /** With the host's traditional method (e.g. a password), reported by the host. */
    FALLBACK,
    /** The host had already authenticated the user before the flow started (passkey enrolment). */
    HOST_SESSION
}
