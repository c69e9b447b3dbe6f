package dev.passkeyflow.core.advisor;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One failed passkey attempt within a flow.
 *
 * @param outcome the classified outcome (a browser error or a server-side verification failure)
 * @param clientErrorName the DOMException name the browser reported, if it was a browser error
 * @param elapsedMillis how long the browser ceremony took, or -1 if unknown
 * @param credentialId the credential presented, when the server saw one
 */
public record PasskeyFailure(
        AttemptOutcome outcome,
        @Nullable String clientErrorName,
        long elapsedMillis,
        @Nullable Bytes credentialId) {

    public PasskeyFailure {
        Objects.requireNonNull(outcome, "outcome");
        if (!outcome.isAuthenticationFailure()) {
            throw new IllegalArgumentException("not a passkey login failure: " + outcome);
        }
    }

    /** Whether the browser reported a cancel or timeout (NotAllowedError / AbortError / TimeoutError). */
    public boolean isCancelLike() {
        return outcome == AttemptOutcome.CANCELLED || outcome == AttemptOutcome.TIMED_OUT;
    }
}
