package dev.passkeyflow.core.advisor;

import java.util.List;
import java.util.Objects;

/**
 * The advisor's decision at the start of a flow.
 *
 * @param action what to do
 * @param tags why, e.g. {@link DecisionTag#POSITIVE_HISTORY_ON_ENVIRONMENT}; {@link #tagTexts()} for logs
 */
public record StartDecision(Action action, List<DecisionTag> tags) {

    /** What to do at the start. */
    public enum Action {
        /** Start the passkey ceremony at once. */
        ATTEMPT_AUTOMATICALLY,
        /**
         * Start the passkey ceremony at once in immediate UI mode ({@code uiMode: 'immediate'}), only
         * for a client that reported {@link dev.passkeyflow.core.ClientContext#CAPABILITY_IMMEDIATE_GET}:
         * the browser shows its UI only when a credential is locally available and otherwise rejects
         * without UI, which the page reports with {@link dev.passkeyflow.core.LoginFlow#reportImmediateRejection}.
         */
        ATTEMPT_IMMEDIATE,
        /** Show a passkey button; start when the user clicks. */
        OFFER_BUTTON,
        /** Go straight to the traditional login. */
        FALLBACK
    }

    public StartDecision {
        Objects.requireNonNull(action, "action");
        tags = List.copyOf(tags);
    }

    public static StartDecision of(Action action, DecisionTag... tags) {
        return new StartDecision(action, List.of(tags));
    }

    /** The tags' texts, for logs and analytics. */
    public List<String> tagTexts() {
        return DecisionTag.texts(tags);
    }
}
