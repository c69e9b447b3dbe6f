package dev.passkeyflow.core;

/** Which passkey-creation offer the page shows; all are worded as adding a passkey, never as a repair. */
public enum HealingKind {
    /** After passkey logins failed in this flow: "Issues using your passkey? Add a new one." */
    AFTER_ERROR,
    /** The account has no usable passkey yet. */
    FIRST_PASSKEY,
    /** The account has passkeys and the user asked to add one on this device. */
    ADDITIONAL_PASSKEY,
    /**
     * The user just signed in with a passkey from another device (hybrid / QR code): "Sign in faster
     * on this device next time?". A cross-device success says nothing about this device's own
     * authenticator, so a local passkey is offered instead of counting the success as local history.
     */
    AFTER_HYBRID
}
