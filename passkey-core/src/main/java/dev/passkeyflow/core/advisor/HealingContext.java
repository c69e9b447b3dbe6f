package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the advisor knows when the user has authenticated without a passkey and a passkey could be
 * offered.
 *
 * @param user the authenticated account
 * @param credentials every credential of the account
 * @param client the client the flow started on
 * @param method how the user authenticated in this flow
 * @param failuresInFlow the failed passkey attempts of this flow, oldest first (empty if none)
 * @param lastDiagnosis the diagnosis of the last failure, or unknown if none
 * @param now the flow's clock reading
 */
public record HealingContext(UserAccount user, List<StoredCredential> credentials, ClientContext client,
        AuthenticationMethod method, List<PasskeyFailure> failuresInFlow, FailureDiagnosis lastDiagnosis,
        Instant now) {

    public HealingContext {
        Objects.requireNonNull(user, "user");
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(method, "method");
        failuresInFlow = List.copyOf(failuresInFlow);
        Objects.requireNonNull(lastDiagnosis, "lastDiagnosis");
        Objects.requireNonNull(now, "now");
    }

    /** The credentials a login may use: all but the retired ones. */
    public List<StoredCredential> usableCredentials() {
        return credentials.stream().filter(c -> c.status().acceptsLogin()).toList();
    }
}
