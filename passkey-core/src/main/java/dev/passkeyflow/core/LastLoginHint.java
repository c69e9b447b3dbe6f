package dev.passkeyflow.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the device remembers about its last login (kept by the page, e.g. in localStorage).
 *
 * @param identifier the identifier last used on this device
 * @param credentialId the base64url credential id of the passkey last used on this device, if the
 *     last login was a passkey login
 */
public record LastLoginHint(String identifier, @Nullable String credentialId) {

    public LastLoginHint {
        Objects.requireNonNull(identifier, "identifier");
        identifier = Objects.requireNonNull(Texts.limit(identifier, 256));
        credentialId = Texts.limit(credentialId, 1024);
    }
}
