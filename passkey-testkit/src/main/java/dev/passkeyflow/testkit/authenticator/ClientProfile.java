package dev.passkeyflow.testkit.authenticator;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Response shapes of real browsers, platforms and password managers, as field reports in public bug
 * trackers of WebAuthn libraries describe them (each profile cites its sources). A profile
 * configures a {@link SoftwareAuthenticator} to answer like that client: keys, counters, flags,
 * transports and the JSON quirks of {@link ClientQuirks}.
 *
 * <p>Profiles describe what was reported, not everything a client does. AAGUIDs are set only where
 * the value is well known; they do not take part in verification.
 *
 * <pre>{@code
 * SoftwareAuthenticator safari = ClientProfile.SAFARI_ICLOUD_KEYCHAIN.authenticator("https://example.com");
 * }</pre>
 */
public enum ClientProfile {

    /**
     * Chrome with Google Password Manager: a synced passkey (BE and BS set, counter always 0,
     * transports {@code hybrid} and {@code internal}), {@code toJSON()} extras in the
     * registration, and the extra client data member Chrome adds at random.
     */
    CHROME_GOOGLE_PASSWORD_MANAGER(
            "Chrome, Google Password Manager",
            List.of(
                    "https://github.com/Yubico/java-webauthn-server/pull/307",
                    "https://github.com/w3c/webauthn/issues/1734"),
            b -> b.syncedPasskey()
                    .aaguid(UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"))
                    .quirks(ClientQuirks.NONE.withExtraClientDataMember(true))),

    /**
     * Safari with iCloud Keychain: a synced passkey with counter 0 whose assertions carry
     * {@code "userHandle": ""}.
     */
    SAFARI_ICLOUD_KEYCHAIN(
            "Safari, iCloud Keychain",
            List.of("https://github.com/w3c/webauthn/issues/1722", "https://github.com/tweag/webauthn/pull/148"),
            b -> b.syncedPasskey()
                    .aaguid(UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd"))
                    .quirks(ClientQuirks.NONE.withUserHandle(ClientQuirks.UserHandleShape.EMPTY_STRING))),

    /**
     * iCloud Keychain registering before the keychain synced: BE clear at registration, BE and BS
     * set in every later assertion.
     */
    SAFARI_BACKUP_ELIGIBLE_AFTER_SYNC(
            "Safari, iCloud Keychain before its first sync",
            List.of("https://github.com/supabase/auth/pull/2779"),
            b -> b.signatureCounter(SignatureCounter.alwaysZero())
                    .transports("hybrid", "internal")
                    .quirks(ClientQuirks.NONE
                            .withUserHandle(ClientQuirks.UserHandleShape.EMPTY_STRING)
                            .withAssertionBackupFlags(new ClientQuirks.BackupFlags(true, true)))),

    /** Apple platforms reporting BE at registration but not in later assertions. */
    APPLE_BACKUP_ELIGIBILITY_DROPPED(
            "Safari, BE set at registration and clear afterwards",
            List.of("https://github.com/w3c/webauthn/issues/1791"),
            b -> b.syncedPasskey()
                    .quirks(ClientQuirks.NONE.withAssertionBackupFlags(new ClientQuirks.BackupFlags(false, false)))),

    /** iCloud Keychain reporting a blank transport string. */
    SAFARI_BLANK_TRANSPORT(
            "Safari, iCloud Keychain reporting a blank transport",
            List.of("https://github.com/Yubico/java-webauthn-server/issues/386"),
            b -> b.syncedPasskey().quirks(ClientQuirks.NONE.withReportedTransports("", "internal"))),

    /**
     * Firefox with a security key: a device-bound credential with an incrementing counter, no user
     * verification, {@code cross-platform} attachment and {@code "userHandle": null}.
     */
    FIREFOX_SECURITY_KEY(
            "Firefox, USB/NFC security key",
            List.of(
                    "https://github.com/w3c/webauthn/issues/1723",
                    "https://github.com/webauthn-open-source/fido2-lib/issues/113"),
            b -> b.userVerification(false)
                    .transports("nfc", "usb")
                    .quirks(ClientQuirks.NONE
                            .withUserHandle(ClientQuirks.UserHandleShape.JSON_NULL)
                            .withAuthenticatorAttachment("cross-platform"))),

    /** Firefox on Android reporting the pre-standard transport {@code cable}. */
    FIREFOX_ANDROID_CABLE_TRANSPORT(
            "Firefox on Android",
            List.of("https://github.com/w3c/webauthn/issues/2286", "https://github.com/kanidm/webauthn-rs/issues/364"),
            b -> b.syncedPasskey().quirks(ClientQuirks.NONE.withReportedTransports("cable", "internal"))),

    /**
     * A native Android app using Credential Manager: the origin is
     * {@code android:apk-key-hash:...}, client data has no {@code crossOrigin} member but an
     * Android-specific one.
     */
    ANDROID_APP_CREDENTIAL_MANAGER(
            "Android app, Credential Manager",
            List.of(
                    "https://github.com/Yubico/java-webauthn-server/issues/159",
                    "https://github.com/lbuchs/WebAuthn/issues/94",
                    "https://github.com/web-auth/webauthn-framework/issues/393"),
            b -> b.syncedPasskey()
                    .androidAppOrigin(ClientProfile.ANDROID_APP_ORIGIN)
                    .quirks(ClientQuirks.NONE.withCrossOriginOmitted(true).withExtraClientDataMember(true))),

    /** Windows Hello: an RS256 key, the all-zero AAGUID, a device-bound credential that counts. */
    WINDOWS_HELLO(
            "Windows Hello",
            List.of(
                    "https://github.com/webauthn4j/webauthn4j/issues/723",
                    "https://github.com/webauthn-open-source/fido2-server-demo/issues/29"),
            b -> b.algorithms(CoseAlgorithm.RS256)
                    .aaguid(SoftwareAuthenticator.DEFAULT_AAGUID)
                    .signatureCounter(SignatureCounter.incrementingFrom(1))
                    .transports("internal")),

    /**
     * A password-manager browser extension (1Password, Bitwarden, Proton Pass style): a synced
     * passkey without user verification, no {@code authenticatorAttachment}, no {@code toJSON()}
     * extras, and extension results nobody asked for.
     */
    PASSWORD_MANAGER_EXTENSION(
            "Password-manager browser extension",
            List.of(
                    "https://github.com/kanidm/webauthn-rs/issues/229",
                    "https://github.com/wultra/powerauth-server/issues/1436",
                    "https://github.com/bitwarden/android/pull/5964"),
            b -> b.syncedPasskey()
                    .userVerification(false)
                    .quirks(ClientQuirks.NONE
                            .withAuthenticatorAttachment(null)
                            .withRegistrationExtras(false)
                            .withRegistrationExtensionResults(
                                    "{\"credProps\":{\"rk\":true},\"prf\":{\"enabled\":false}}")
                            .withAssertionExtensionResults("{\"credProps\":{\"rk\":true},\"largeBlob\":{}}"))),

    /**
     * Bitwarden passkeys made before 2024, which count: the copy on a device whose vault has not
     * synced reports a counter the server has already seen.
     */
    BITWARDEN_LEGACY_COUNTER(
            "Bitwarden, passkey with a signature counter",
            List.of("https://github.com/bitwarden/sdk-internal/pull/421"),
            b -> b.backupEligible(true)
                    .backupState(true)
                    .signatureCounter(SignatureCounter.incrementingFrom(0))
                    .transports("hybrid", "internal")),

    /** KeePassXC: a desktop vault whose counter is always 0. */
    KEEPASSXC(
            "KeePassXC",
            List.of("https://github.com/keepassxreboot/keepassxc/issues/13323"),
            b -> b.signatureCounter(SignatureCounter.alwaysZero())
                    .transports("internal")
                    .quirks(ClientQuirks.NONE.withAuthenticatorAttachment("cross-platform"))),

    /**
     * A security key reporting {@code smart-card} (a Level 3 transport) and a transport string no
     * spec defines yet, which relying parties SHOULD store.
     */
    UNKNOWN_TRANSPORTS(
            "Security key with smart-card and unknown transports",
            List.of(
                    "https://github.com/w3c/webauthn/pull/1275",
                    "https://github.com/govuk-one-login/authentication-api/pull/8725"),
            b -> b.quirks(ClientQuirks.NONE
                    .withReportedTransports("nfc", "smart-card", "usb", "x-future-transport")
                    .withAuthenticatorAttachment("cross-platform"))),

    /**
     * A client from before {@code toJSON()} and WebAuthn Level 2 (or a JSON helper library): no
     * extras, no {@code crossOrigin}, no attachment, no transports.
     */
    LEGACY_JSON_CLIENT(
            "Pre-Level-2 client or JSON helper library",
            List.of(
                    "https://github.com/duo-labs/webauthn/pull/82",
                    "https://github.com/duo-labs/py_webauthn/issues/17"),
            b -> b.quirks(ClientQuirks.NONE
                    .withRegistrationExtras(false)
                    .withCrossOriginOmitted(true)
                    .withAuthenticatorAttachment(null)
                    .withReportedTransports()
                    .withUserHandle(ClientQuirks.UserHandleShape.OMITTED))),

    /** A page embedded in a cross-origin iframe of a top-level site the relying party allows. */
    CROSS_ORIGIN_IFRAME(
            "Embedded in an allowed cross-origin iframe",
            List.of("https://github.com/w3c/webauthn/pull/2166", "https://github.com/w3c/webauthn/issues/1842"),
            b -> b.syncedPasskey().quirks(ClientQuirks.NONE.withTopOrigin(ClientProfile.EMBEDDING_ORIGIN)));

    /** The Android app origin {@link #ANDROID_APP_CREDENTIAL_MANAGER} reports (a made-up certificate hash). */
    public static final String ANDROID_APP_ORIGIN = "android:apk-key-hash:3q2-796tvu_erb7v3q2-796tvu_erb7v3q2-796tvu8";

    /** The top-level origin {@link #CROSS_ORIGIN_IFRAME} reports. */
    public static final String EMBEDDING_ORIGIN = "https://portal.partner.example";

    private final String clientName;
    // Immutable in fact: sources is a List.of(...) and configuration a capture-free lambda; the
    // checker recognises only types it knows to be immutable (Guava's, or annotated ones).
    @SuppressWarnings("ImmutableEnumChecker")
    private final List<String> sources;

    @SuppressWarnings("ImmutableEnumChecker")
    private final UnaryOperator<SoftwareAuthenticator.Builder> configuration;

    ClientProfile(String clientName, List<String> sources, UnaryOperator<SoftwareAuthenticator.Builder> configuration) {
        this.clientName = clientName;
        this.sources = List.copyOf(sources);
        this.configuration = configuration;
    }

    /** A short human-readable name of the client, e.g. "Safari, iCloud Keychain". */
    public String clientName() {
        return clientName;
    }

    /** The public field reports the profile is drawn from (URLs of issues and pull requests). */
    public List<String> sources() {
        return sources;
    }

    /**
     * Applies the profile to a builder whose web origin is already set (a native app profile
     * replaces it with its own origin).
     */
    public SoftwareAuthenticator.Builder configure(SoftwareAuthenticator.Builder builder) {
        return configuration.apply(Objects.requireNonNull(builder, "builder"));
    }

    /**
     * An authenticator answering like this client on {@code webOrigin}.
     *
     * @param webOrigin the relying party's web origin, e.g. {@code https://example.com}
     */
    public SoftwareAuthenticator authenticator(String webOrigin) {
        return configure(SoftwareAuthenticator.builder().origin(webOrigin)).build();
    }
}
