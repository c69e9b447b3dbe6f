package dev.passkeyflow.intelligence;

import java.util.Objects;
import java.util.UUID;

/**
 * A passkey provider or authenticator model known by its AAGUID.
 *
 * @param aaguid the AAGUID
 * @param name the display name from the community AAGUID list, e.g. {@code "iCloud Keychain"}
 * @param kind the provider kind from passkeyflow's own table
 */
public record PasskeyProvider(UUID aaguid, String name, ProviderKind kind) {

    public PasskeyProvider {
        Objects.requireNonNull(aaguid, "aaguid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}
