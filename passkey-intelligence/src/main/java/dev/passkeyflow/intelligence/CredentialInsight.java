package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.storage.StoredCredential;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a stored credential's AAGUID, flags, transports and creation platform say about where it
 * can be used.
 *
 * @param kind the provider kind, from the AAGUID or inferred
 * @param fromAaguid whether the kind comes from a known AAGUID (strong) rather than from flags (weak)
 * @param providerName the provider's display name, or a description of the inference
 */
record CredentialInsight(ProviderKind kind, boolean fromAaguid, String providerName, Ecosystem ecosystem) {

    /** The cloud a platform-synced passkey lives in. */
    public enum Ecosystem {
        APPLE(Set.of(ClientPlatform.MACOS, ClientPlatform.IOS), true),
        GOOGLE(Set.of(ClientPlatform.ANDROID, ClientPlatform.CHROME_OS), false),
        SAMSUNG(Set.of(ClientPlatform.ANDROID), false),
        MICROSOFT(Set.of(ClientPlatform.WINDOWS), false),
        NONE(Set.of(), false);

        // Immutable in fact (a Set.of); the checker recognises only types it knows to be immutable.
        @SuppressWarnings("ImmutableEnumChecker")
        private final Set<ClientPlatform> home;

        private final boolean closed;

        Ecosystem(Set<ClientPlatform> home, boolean closed) {
            this.home = home;
            this.closed = closed;
        }

        /** Whether the ecosystem's passkeys are normally present on this platform. */
        public boolean isHome(ClientPlatform platform) {
            return home.contains(platform);
        }

        /** Whether its passkeys are practically never present outside its home platforms. */
        public boolean closed() {
            return closed;
        }
    }

    /** How likely a credential is present on a device it has no history on. */
    public enum Availability {
        LIKELY,
        UNCERTAIN,
        UNLIKELY
    }

    private static final Set<UUID> APPLE = Set.of(
            UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd"),
            UUID.fromString("dd4ec289-e01d-41c9-bb89-70fa845d4bf2"));
    private static final UUID GOOGLE = UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4");
    private static final UUID SAMSUNG = UUID.fromString("53414d53-554e-4700-0000-000000000000");
    private static final UUID MICROSOFT = UUID.fromString("d3452668-01fd-4c12-926c-83a4204853aa");

    public static CredentialInsight of(StoredCredential credential, PasskeyProviders providers) {
        UUID aaguid = PasskeyProviders.toUuid(credential.aaguid());
        Optional<PasskeyProvider> known = providers.lookup(aaguid);
        if (known.isPresent() && known.get().kind() != ProviderKind.UNKNOWN) {
            PasskeyProvider p = known.get();
            return new CredentialInsight(p.kind(), true, p.name(), ecosystemOf(aaguid));
        }
        ClientPlatform created = ClientPlatform.fromName(credential.createdOn().platform());
        if (credential.backupEligible()) {
            if (created == ClientPlatform.MACOS || created == ClientPlatform.IOS) {
                return new CredentialInsight(
                        ProviderKind.PLATFORM_SYNCED,
                        false,
                        "a synced passkey created on " + created.storedName() + " (likely iCloud Keychain)",
                        Ecosystem.APPLE);
            }
            if (created == ClientPlatform.ANDROID || created == ClientPlatform.CHROME_OS) {
                return new CredentialInsight(
                        ProviderKind.PLATFORM_SYNCED,
                        false,
                        "a synced passkey created on " + created.storedName() + " (likely Google Password Manager)",
                        Ecosystem.GOOGLE);
            }
            return new CredentialInsight(
                    ProviderKind.THIRD_PARTY_PASSWORD_MANAGER,
                    false,
                    "a synced passkey of an undisclosed provider (likely a password manager)",
                    Ecosystem.NONE);
        }
        Set<String> transports = credential.transports();
        if (transports.contains("usb") || transports.contains("nfc") || transports.contains("ble")) {
            return new CredentialInsight(ProviderKind.HARDWARE_SECURITY_KEY, false, "a security key", Ecosystem.NONE);
        }
        if (transports.contains("internal")) {
            return new CredentialInsight(
                    ProviderKind.DEVICE_BOUND_PLATFORM, false, "a device-bound platform passkey", Ecosystem.NONE);
        }
        return new CredentialInsight(ProviderKind.UNKNOWN, false, "an unknown provider", Ecosystem.NONE);
    }

    private static Ecosystem ecosystemOf(@org.jspecify.annotations.Nullable UUID aaguid) {
        if (aaguid == null) {
            return Ecosystem.NONE;
        }
        if (APPLE.contains(aaguid)) {
            return Ecosystem.APPLE;
        }
        if (GOOGLE.equals(aaguid)) {
            return Ecosystem.GOOGLE;
        }
        if (SAMSUNG.equals(aaguid)) {
            return Ecosystem.SAMSUNG;
        }
        if (MICROSOFT.equals(aaguid)) {
            return Ecosystem.MICROSOFT;
        }
        return Ecosystem.NONE;
    }

    /** How likely the credential is present on a device of {@code platform} it has no history on. */
    public Availability availabilityOn(ClientPlatform platform) {
        return availabilityOn(platform, false);
    }

    /**
     * How likely the credential is present on a device it has no history on.
     *
     * <p>Google Password Manager passkeys are also at home in Chrome on desktop: since Chrome 129
     * (September 2024) Chrome on Windows, macOS and Linux with a signed-in profile creates passkeys in
     * Google Password Manager and syncs those created on Android, so a Google-synced passkey is likely
     * available in desktop Chrome (https://developer.chrome.com/blog/passkeys-gpm-desktop). Other
     * browsers on the same computer do not reach Google Password Manager.
     *
     * @param desktopChrome whether the client is Chrome on a desktop operating system
     */
    public Availability availabilityOn(ClientPlatform platform, boolean desktopChrome) {
        if (kind == ProviderKind.PLATFORM_SYNCED && ecosystem == Ecosystem.GOOGLE && desktopChrome) {
            return Availability.LIKELY;
        }
        return switch (kind) {
            case PLATFORM_SYNCED ->
                ecosystem.isHome(platform)
                        ? Availability.LIKELY
                        : ecosystem.closed() ? Availability.UNLIKELY : Availability.UNCERTAIN;
            case DEVICE_BOUND_PLATFORM -> Availability.UNLIKELY;
            case THIRD_PARTY_PASSWORD_MANAGER, HARDWARE_SECURITY_KEY, UNKNOWN -> Availability.UNCERTAIN;
        };
    }
}
