package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the advisor knows after a passkey attempt failed.
 *
 * @param user the flow's account
 * @param credentials every credential of the account
 * @param client the client the flow started on
 * @param failure the attempt that just failed
 * @param failuresInFlow every failed passkey attempt of this flow so far, oldest first, including
 *     {@code failure} as the last element
 * @param consecutiveFailures how many attempts in a row have failed, including this one
 * @param now the flow's clock reading
 */
public record FailureContext(
        UserAccount user,
        List<StoredCredential> credentials,
        ClientContext client,
        PasskeyFailure failure,
        List<PasskeyFailure> failuresInFlow,
        int consecutiveFailures,
        Instant now) {

    public FailureContext {
        Objects.requireNonNull(user, "user");
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(failure, "failure");
        failuresInFlow = List.copyOf(failuresInFlow);
        Objects.requireNonNull(now, "now");
    }
}
