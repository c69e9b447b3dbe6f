package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.FailureDiagnosis;
import java.util.Objects;

/**
 * The advisor's decision after a failed passkey attempt.
 *
 * @param action retry with a fresh challenge, or fall back to the traditional login
 * @param diagnosis the advisor's diagnosis of the failure
 */
public record FailureDecision(Action action, FailureDiagnosis diagnosis) {

    /** What to do after a failure. */
    public enum Action {
        RETRY,
        FALLBACK
    }

    public FailureDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(diagnosis, "diagnosis");
    }
}
