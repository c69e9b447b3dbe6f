package dev.passkeyflow.intelligence;

import dev.passkeyflow.storage.Bytes;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Passkey providers by AAGUID: a display name from the community AAGUID list shipped in this jar,
 * and a {@link ProviderKind} from passkeyflow's own table. Loaded once from class-path resources
 * (nothing is fetched); lookups are O(1) and thread-safe.
 *
 * <pre>{@code
 * PasskeyProviders providers = PasskeyProviders.standard();
 * String label = providers.nameOf(credential.aaguid()).orElse("Passkey");
 * }</pre>
 */
public final class PasskeyProviders {

    /** The all-zero AAGUID: the authenticator does not disclose its model. */
    public static final UUID UNDISCLOSED = new UUID(0, 0);

    private final Map<UUID, PasskeyProvider> byAaguid;

    private PasskeyProviders(Map<UUID, PasskeyProvider> byAaguid) {
        this.byAaguid = Map.copyOf(byAaguid);
    }

    private static final class Holder {
        static final PasskeyProviders STANDARD = new PasskeyProviders(ProviderTable.load());
    }

    /** The shipped list; loaded on first use. */
    public static PasskeyProviders standard() {
        return Holder.STANDARD;
    }

    /** A table of one's own, e.g. for tests or for providers the shipped list lacks. */
    public static PasskeyProviders of(Iterable<PasskeyProvider> providers) {
        Map<UUID, PasskeyProvider> map = new java.util.HashMap<>();
        for (PasskeyProvider provider : providers) {
            map.put(provider.aaguid(), provider);
        }
        return new PasskeyProviders(map);
    }

    /** The provider with this AAGUID, or empty if unknown or undisclosed. */
    public Optional<PasskeyProvider> lookup(@Nullable UUID aaguid) {
        return aaguid == null ? Optional.empty() : Optional.ofNullable(byAaguid.get(aaguid));
    }

    /** The provider with this 16-byte AAGUID (as stored with credentials), or empty. */
    public Optional<PasskeyProvider> lookup(@Nullable Bytes aaguid) {
        return lookup(toUuid(aaguid));
    }

    /** The provider's display name, or empty if unknown. */
    public Optional<String> nameOf(@Nullable Bytes aaguid) {
        return lookup(aaguid).map(PasskeyProvider::name);
    }

    /** The provider's kind; {@link ProviderKind#UNKNOWN} if unknown or undisclosed. */
    public ProviderKind kindOf(@Nullable Bytes aaguid) {
        return lookup(aaguid).map(PasskeyProvider::kind).orElse(ProviderKind.UNKNOWN);
    }

    /** How many providers are known. */
    public int size() {
        return byAaguid.size();
    }

    /** The 16 bytes as a UUID, or {@code null} if absent or not 16 bytes long. */
    public static @Nullable UUID toUuid(@Nullable Bytes aaguid) {
        if (aaguid == null || aaguid.length() != 16) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(aaguid.toByteArray());
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** A UUID as the 16 bytes stored with credentials. */
    public static Bytes toBytes(UUID aaguid) {
        Objects.requireNonNull(aaguid, "aaguid");
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(aaguid.getMostSignificantBits()).putLong(aaguid.getLeastSignificantBits());
        return Bytes.of(buffer.array());
    }
}
