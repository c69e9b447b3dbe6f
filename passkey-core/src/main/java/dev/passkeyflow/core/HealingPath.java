package dev.passkeyflow.core;

/** How the browser created a passkey offered after a login. */
public enum HealingPath {
    /**
     * Through the offer the page showed: {@code navigator.credentials.create()} with the OS dialog,
     * user presence required.
     */
    EXPLICIT,
    /**
     * Silently: {@code navigator.credentials.create({mediation: "conditional"})} right after a
     * password login the browser's password manager filled; the browser may create the passkey
     * without a dialog and without user presence (WebAuthn Level 3, "conditional create").
     */
    SILENT
}
