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
}
