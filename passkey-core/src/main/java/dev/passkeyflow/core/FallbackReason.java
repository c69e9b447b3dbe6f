package dev.passkeyflow.core;

/** Why the flow asks the host for its traditional login. */
public enum FallbackReason {
    /**
     * No passkey login is attempted at the start: the account has no usable passkey, the identifier
     * is unknown, or the advisor judged a passkey unlikely to work on this device. Deliberately one
     * reason, so that an unknown identifier cannot be told apart from an account without passkeys.
     */
    PASSKEY_NOT_AVAILABLE,
    /** Passkey attempts in this flow failed. */
    PASSKEY_FAILED,
    /** The user chose the traditional login instead of the passkey. */
    USER_CHOSE_FALLBACK,
    /**
     * The previous traditional login attempt failed; the user may try again. Shown in
     * {@link LoginStep.FallbackRequired} while the flow has failed traditional attempts; the
     * advisor's {@link dev.passkeyflow.core.advisor.HealingContext#fallbackReason()} keeps the
     * reason the flow fell back for in the first place.
     */
    FALLBACK_FAILED
}
