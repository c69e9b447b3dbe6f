package dev.passkeyflow.core.advisor;

import java.util.List;
import java.util.Objects;

/**
 * The advisor's decision at the start of a flow.
 *
 * @param action what to do
 * @param tags short machine-readable reasons, e.g. {@code "positive-history-on-device"}
 */
public record StartDecision(Action action, List<String> tags) {

    /** What to do at the start. */
    public enum Action {
        /** Start the passkey ceremony at once. */
        ATTEMPT_AUTOMATICALLY,
        /** Show a passkey button; start when the user clicks. */
        OFFER_BUTTON,
        /** Go straight to the traditional login. */
        FALLBACK
    }

    public StartDecision {
        Objects.requireNonNull(action, "action");
        tags = List.copyOf(tags);
    }

    public static StartDecision of(Action action, String... tags) {
        return new StartDecision(action, List.of(tags));
    }
}
