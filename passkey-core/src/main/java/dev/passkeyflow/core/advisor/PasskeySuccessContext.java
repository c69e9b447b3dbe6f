package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the advisor knows right after a verified passkey login through an authenticator of another
 * device ({@code authenticatorAttachment} {@code "cross-platform"}: a phone over hybrid / QR code,
 * or a security key).
 *
 * @param user the authenticated account
 * @param credentials every credential of the account
 * @param client the client the flow started on
 * @param credentialId the credential that signed the assertion
 * @param authenticatorAttachment what the browser reported, e.g. {@code "cross-platform"}
 * @param failuresInFlow the failed passkey attempts of this flow before the success, oldest first
 * @param now the flow's clock reading
 */
public record PasskeySuccessContext(
        UserAccount user,
        List<StoredCredential> credentials,
        ClientContext client,
        Bytes credentialId,
        @Nullable String authenticatorAttachment,
        List<PasskeyFailure> failuresInFlow,
        Instant now) {

    public PasskeySuccessContext {
        Objects.requireNonNull(user, "user");
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(credentialId, "credentialId");
        failuresInFlow = List.copyOf(failuresInFlow);
        Objects.requireNonNull(now, "now");
    }

    /** The credential that signed the assertion, if it is among {@link #credentials()}. */
    public @Nullable StoredCredential credential() {
        for (StoredCredential c : credentials) {
            if (c.credentialId().equals(credentialId)) {
                return c;
            }
        }
        return null;
    }
}
