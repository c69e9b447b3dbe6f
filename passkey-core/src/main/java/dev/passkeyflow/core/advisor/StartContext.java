package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the advisor knows when a flow starts.
 *
 * @param user the account, or {@code null} when the identifier is unknown
 * @param credentials every credential of the account, whatever its status (empty for an unknown identifier)
 * @param client the client
 * @param now the flow's clock reading
 */
public record StartContext(
        @Nullable UserAccount user, List<StoredCredential> credentials, ClientContext client, Instant now) {

    public StartContext {
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(now, "now");
    }

    /** The credentials a login may use: all but the retired ones. */
    public List<StoredCredential> usableCredentials() {
        return credentials.stream().filter(c -> c.status().acceptsLogin()).toList();
    }
}
