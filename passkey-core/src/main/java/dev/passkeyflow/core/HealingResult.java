package dev.passkeyflow.core;

/** What became of healing in a completed flow. */
public enum HealingResult {
    /** No healing was offered. */
    NOT_OFFERED,
    /** A new passkey was created, verified and stored. */
    HEALED,
    /** The authenticator already held a passkey of this account (InvalidStateError); nothing new was stored. */
    ALREADY_EXISTED,
    /** The user declined the offer. */
    DECLINED,
    /** The user cancelled the OS dialog. */
    CANCELLED,
    /** The browser or the server rejected the new passkey. */
    FAILED,
    /**
     * A passkey was created, verified and stored at the host's request ({@link LoginFlow#enrol}):
     * enrolment, not healing.
     */
    ENROLLED
}
