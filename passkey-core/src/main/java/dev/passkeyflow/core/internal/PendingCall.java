package dev.passkeyflow.core.internal;

/** The public calls that change a stored flow; a {@link StepReceipt} names the one that made a state. */
enum PendingCall {
    CLIENT_ERROR,
    FINISH_PASSKEY,
    CHOOSE_FALLBACK,
    RETRY_PASSKEY,
    FALLBACK_SUCCEEDED,
    FALLBACK_FAILED,
    FINISH_HEALING,
    HEALING_ERROR,
    DECLINE_HEALING,
    SILENT_CREATE_DECLINED
}
