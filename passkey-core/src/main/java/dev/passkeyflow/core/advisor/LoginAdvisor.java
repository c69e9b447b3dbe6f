package dev.passkeyflow.core.advisor;

/**
 * The decision port of {@link dev.passkeyflow.core.LoginFlow}. Implementations must be thread-safe,
 * fast (they run on every login request) and free of side effects on the flow: the flow records
 * attempts itself. An advisor that throws is treated as a storage-like failure of the step; it
 * should not.
 */
public interface LoginAdvisor {

    /** Whether to start a passkey login now, offer a button, or go straight to the fallback. */
    StartDecision onStart(StartContext context);

    /** After a failed passkey attempt: retry with a fresh challenge, or fall back. */
    FailureDecision onPasskeyFailure(FailureContext context);

    /** After the user authenticated without a passkey: whether to offer creating one. */
    HealingDecision onAuthenticatedWithoutPasskey(HealingContext context);

    /**
     * After a verified passkey login through an authenticator of another device (hybrid / QR code or
     * a security key), on a client that can create a passkey locally: whether to offer a local one
     * ({@link dev.passkeyflow.core.HealingKind#AFTER_HYBRID}). The default makes no offer.
     */
    default HealingDecision onCrossDeviceSuccess(PasskeySuccessContext context) {
        return HealingDecision.noOffer(
                dev.passkeyflow.core.FailureDiagnosis.unknown(),
                dev.passkeyflow.core.ClientPlatform.of(context.client()),
                DecisionTag.NO_AFTER_HYBRID_OFFERS);
    }
}
