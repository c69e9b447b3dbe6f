package dev.passkeyflow.core;

/**
 * Which passkey-creation offer the page shows; all are worded as adding a passkey, never as a
 * repair. Each kind has its own cooldowns and unanswered-offer counter ({@link OfferCooldowns}).
 */
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
    AFTER_HYBRID,
    /**
     * The user signed in with the traditional method on a device that, by its history, holds none
     * of the account's passkeys (no passkey attempt failed; there was simply nothing here to use).
     */
    AFTER_NO_CREDENTIAL,
    /**
     * Host-initiated enrolment ({@link LoginFlow#enrol}): the host's signed-in session asked to add a
     * passkey (e.g. on a settings page or right after sign-up). Not healing: its completion reports
     * {@link HealingResult#ENROLLED} and the event {@link LoginFlowEvent.Enrolled}.
     */
    ENROLMENT;

    /** Whether this offer was started by the host's own session rather than by the login flow. */
    public boolean hostInitiated() {
        return this == ENROLMENT;
    }
}
