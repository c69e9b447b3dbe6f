package dev.passkeyflow.examples;

import dev.passkeyflow.storage.Bytes;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The name of the passkey provider (password manager, platform) behind a credential's AAGUID. */
final class ProviderNames {

    private static final UUID CHROME_VIRTUAL_AUTHENTICATOR = UUID.fromString("01020304-0506-0708-0102-030405060708");

    private ProviderNames() {
    }

    static String nameFor(@Nullable Bytes aaguid) {
        UUID id = uuid(aaguid);
        if (id == null || (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0)) {
            return "Passkey (provider not disclosed)";
        }
        if (id.equals(CHROME_VIRTUAL_AUTHENTICATOR)) {
            return "Chrome virtual authenticator";
        }
        return "Passkey (" + id + ")";
    }

    static @Nullable UUID uuid(@Nullable Bytes aaguid) {
        if (aaguid == null || aaguid.length() != 16) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(aaguid.toByteArray());
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
