package dev.passkeyflow.core;

/** The states of a login flow. Legal moves between them are listed in {@link FlowTransition}. */
public enum FlowState {
    /** Before the flow is stored; only the start transitions leave it. */
    NEW,
    /** A passkey challenge is out; waiting for the browser's response or error. */
    PASSKEY_PENDING,
    /** Waiting for the host's traditional login result. */
    FALLBACK_PENDING,
    /** The user is authenticated and a passkey creation is offered. */
    HEALING_PENDING,
    /** The user is authenticated; the flow is over. */
    COMPLETED,
    /** Too many failed traditional logins; the flow is over. */
    LOCKED;

    /** Whether no transition leaves this state. */
    public boolean isTerminal() {
        return this == COMPLETED || this == LOCKED;
    }
}
