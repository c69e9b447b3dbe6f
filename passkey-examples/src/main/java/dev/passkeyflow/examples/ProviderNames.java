package dev.passkeyflow.examples;

import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.storage.Bytes;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The name of the passkey provider (password manager, platform) behind a credential's AAGUID, from
 * the AAGUID list that passkey-intelligence ships ({@link PasskeyProviders}).
 */
final class ProviderNames {

    /** Chromium's WebAuthn virtual authenticator (DevTools, WebDriver), which the list does not name. */
    private static final UUID CHROMIUM_VIRTUAL_AUTHENTICATOR = UUID.fromString("01020304-0506-0708-0102-030405060708");

    private ProviderNames() {}

    static String nameFor(@Nullable Bytes aaguid) {
        UUID id = PasskeyProviders.toUuid(aaguid);
        if (id == null || id.equals(PasskeyProviders.UNDISCLOSED)) {
            return "Passkey (provider not disclosed)";
        }
        if (id.equals(CHROMIUM_VIRTUAL_AUTHENTICATOR)) {
            return PasskeyProviders.standard().nameOf(aaguid).orElse("Chromium virtual authenticator");
        }
        return PasskeyProviders.standard().nameOf(aaguid).orElse("Passkey (" + id + ")");
    }
}
