package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @param fallbackReason why the flow asked for the traditional login: no passkey login was
 *     attempted ({@link FallbackReason#PASSKEY_NOT_AVAILABLE}), the user chose it, or passkeys failed;
 *     {@code null} when the user did not go through the fallback
 */
public record HealingContext(
        UserAccount user,
        List<StoredCredential> credentials,
        ClientContext client,
        AuthenticationMethod method,
        List<PasskeyFailure> failuresInFlow,
        FailureDiagnosis lastDiagnosis,
        Instant now,
        @Nullable FallbackReason fallbackReason) {

    /** A context without a fallback reason. */
    public HealingContext(
            UserAccount user,
            List<StoredCredential> credentials,
            ClientContext client,
            AuthenticationMethod method,
            List<PasskeyFailure> failuresInFlow,
            FailureDiagnosis lastDiagnosis,
            Instant now) {
        this(user, credentials, client, method, failuresInFlow, lastDiagnosis, now, null);
    }

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
