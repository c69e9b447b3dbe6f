package dev.passkeyflow.intelligence;

/** What kind of thing holds a passkey, as far as where else it can be used goes. */
public enum ProviderKind {
    /** Synced by the platform's cloud account: iCloud Keychain, Google Password Manager, Samsung Pass. */
    PLATFORM_SYNCED,
    /** A third-party password manager: 1Password, Bitwarden, Dashlane, Proton Pass, KeePassXC, ... */
    THIRD_PARTY_PASSWORD_MANAGER,
    /** Bound to one device's platform authenticator: Windows Hello, Chrome on Mac. */
    DEVICE_BOUND_PLATFORM,
    /** A roaming hardware security key: YubiKey, Titan, Feitian, ... */
    HARDWARE_SECURITY_KEY,
    /** Not known (including the all-zero AAGUID of authenticators that do not disclose it). */
    UNKNOWN;

    /** Whether passkeys of this kind may be present on devices other than the one they were created on. */
    public boolean syncsAcrossDevices() {
        return this == PLATFORM_SYNCED || this == THIRD_PARTY_PASSWORD_MANAGER;
    }
}
