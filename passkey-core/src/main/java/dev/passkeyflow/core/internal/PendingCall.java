package dev.passkeyflow.core.internal;

/** The public call whose effects a stored snapshot still carries; a retry of that call completes them. */
enum PendingCall {
    CLIENT_ERROR,
    FINISH_PASSKEY,
    FALLBACK_SUCCEEDED,
    FALLBACK_FAILED,
    FINISH_HEALING,
    HEALING_ERROR,
    DECLINE_HEALING
}
