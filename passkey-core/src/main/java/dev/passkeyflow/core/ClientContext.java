package dev.passkeyflow.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the host knows about the client making a login request: filled from the HTTP request
 * (User-Agent, client hints, the device-id cookie) and from values the page measured
 * ({@code PublicKeyCredential.getClientCapabilities()},
 * {@code isUserVerifyingPlatformAuthenticatorAvailable()},
 * {@code isConditionalMediationAvailable()}, the last-login hint).
 *
 * <p>All values are untrusted input: strings are truncated to bounded lengths and at most
 * {@value #MAX_CAPABILITIES} capabilities are kept: first every key of {@link #KNOWN_CAPABILITIES}
 * the page reported, then the others in alphabetical order (keys over 64 characters are dropped).
 * So a browser reporting many {@code extension:*} keys cannot push the platform-authenticator keys
 * out, whatever order it lists them in (Chrome lists its 24 alphabetically, platform keys last).
 *
 * @param deviceId a long-lived random device id the host keeps in a first-party cookie
 * @param userAgent the User-Agent header
 * @param hints the UA client hints
 * @param capabilities the result of {@code getClientCapabilities()}, e.g.
 *     {@code passkeyPlatformAuthenticator -> true}
 * @param userVerifyingPlatformAuthenticator the result of
 *     {@code isUserVerifyingPlatformAuthenticatorAvailable()}, if the page reported it
 * @param conditionalMediation the result of {@code isConditionalMediationAvailable()}, if reported
 * @param lastLogin the device's last-login hint, if any
 */
public record ClientContext(
        @Nullable String deviceId,
        @Nullable String userAgent,
        ClientHints hints,
        Map<String, Boolean> capabilities,
        @Nullable Boolean userVerifyingPlatformAuthenticator,
        @Nullable Boolean conditionalMediation,
        @Nullable LastLoginHint lastLogin) {

    /** The most capabilities kept. */
    public static final int MAX_CAPABILITIES = 64;

    public static final String CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR = "passkeyPlatformAuthenticator";
    public static final String CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR = "userVerifyingPlatformAuthenticator";
    public static final String CAPABILITY_HYBRID_TRANSPORT = "hybridTransport";
    public static final String CAPABILITY_CONDITIONAL_GET = "conditionalGet";
    public static final String CAPABILITY_CONDITIONAL_CREATE = "conditionalCreate";
    public static final String CAPABILITY_SIGNAL_UNKNOWN_CREDENTIAL = "signalUnknownCredential";
    public static final String CAPABILITY_SIGNAL_ALL_ACCEPTED_CREDENTIALS = "signalAllAcceptedCredentials";
    /**
     * Immediate UI mode ({@code navigator.credentials.get({publicKey, uiMode: 'immediate'})}, called
     * {@code mediation: 'immediate'} during its origin trial): the browser shows its sign-in UI only
     * when a credential for the RP is locally available and otherwise rejects at once with
     * {@code NotAllowedError}, without UI. Feature-detected with this key of
     * {@code getClientCapabilities()}. Shipped in Chrome 148, the only browser with it as of May
     * 2026; Chrome rejects more than two such requests within five seconds on one page. Sources:
     * https://developer.chrome.com/docs/identity/immediate-ui-mode,
     * https://developer.chrome.com/blog/webauthn-immediate-mediation-ot,
     * https://github.com/w3c/webauthn/wiki/Explainer:-WebAuthn-immediate-mediation, and the
     * blink-dev "Intent to Ship: Web Authentication Immediate UI mode" thread (rate limit).
     */
    public static final String CAPABILITY_IMMEDIATE_GET = "immediateGet";

    /**
     * The capability keys of WebAuthn Level 3 §5.1.7 ({@code ClientCapability}) and immediate UI
     * mode: always kept when reported, before any other key.
     */
    public static final java.util.Set<String> KNOWN_CAPABILITIES = java.util.Set.of(
            "conditionalCreate",
            "conditionalGet",
            "hybridTransport",
            "passkeyPlatformAuthenticator",
            "userVerifyingPlatformAuthenticator",
            "relatedOrigins",
            "signalAllAcceptedCredentials",
            "signalCurrentUserDetails",
            "signalUnknownCredential",
            CAPABILITY_IMMEDIATE_GET);

    private static final ClientContext UNKNOWN =
            new ClientContext(null, null, ClientHints.none(), Map.of(), null, null, null);

    public ClientContext {
        Objects.requireNonNull(hints, "hints");
        Objects.requireNonNull(capabilities, "capabilities");
        deviceId = Texts.limit(deviceId, 128);
        userAgent = Texts.limit(userAgent, 512);
        capabilities = boundedCapabilities(capabilities);
    }

    private static Map<String, Boolean> boundedCapabilities(Map<String, Boolean> reported) {
        Map<String, Boolean> bounded = new TreeMap<>();
        TreeMap<String, Boolean> others = new TreeMap<>();
        for (Map.Entry<String, Boolean> entry : reported.entrySet()) {
            String key = entry.getKey();
            if (key == null || entry.getValue() == null || key.length() > 64) {
                continue;
            }
            if (KNOWN_CAPABILITIES.contains(key)) {
                bounded.put(key, entry.getValue());
            } else if (others.size() < MAX_CAPABILITIES) {
                others.put(key, entry.getValue());
            } else if (key.compareTo(others.lastKey()) < 0) {
                // Keep the alphabetically first ones whatever the order given: a stable, order-free choice.
                others.pollLastEntry();
                others.put(key, entry.getValue());
            }
        }
        for (Map.Entry<String, Boolean> entry : others.entrySet()) {
            if (bounded.size() == MAX_CAPABILITIES) {
                break;
            }
            bounded.put(entry.getKey(), entry.getValue());
        }
        return Collections.unmodifiableMap(bounded);
    }

    /** A client about which nothing is known. */
    public static ClientContext unknown() {
        return UNKNOWN;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A capability as the page reported it, or {@code null} if it did not report it. */
    public @Nullable Boolean capability(String name) {
        return capabilities.get(name);
    }

    /**
     * Whether the client says it can create a passkey on this device: a user-verifying platform
     * authenticator is available. {@code false} when the page reported nothing.
     */
    public boolean canCreatePasskeyLocally() {
        return Boolean.TRUE.equals(userVerifyingPlatformAuthenticator)
                || Boolean.TRUE.equals(capability(CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR))
                || Boolean.TRUE.equals(capability(CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR));
    }

    /**
     * Whether the client explicitly reported that it has no platform authenticator and no hybrid
     * transport. A report that a platform authenticator exists wins over one that says it does not,
     * so this is never true together with {@link #canCreatePasskeyLocally()}.
     */
    public boolean reportsNoAuthenticatorAtAll() {
        boolean noPlatform = !canCreatePasskeyLocally()
                && (Boolean.FALSE.equals(userVerifyingPlatformAuthenticator)
                        || Boolean.FALSE.equals(capability(CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR)));
        boolean noHybrid = Boolean.FALSE.equals(capability(CAPABILITY_HYBRID_TRANSPORT));
        return noPlatform && noHybrid;
    }

    /** Whether the page reported that the browser supports immediate UI mode ({@link #CAPABILITY_IMMEDIATE_GET}). */
    public boolean supportsImmediateGet() {
        return Boolean.TRUE.equals(capability(CAPABILITY_IMMEDIATE_GET));
    }

    /** A builder; every value is optional. */
    public static final class Builder {
        private @Nullable String deviceId;
        private @Nullable String userAgent;
        private ClientHints hints = ClientHints.none();
        private Map<String, Boolean> capabilities = Map.of();
        private @Nullable Boolean userVerifyingPlatformAuthenticator;
        private @Nullable Boolean conditionalMediation;
        private @Nullable LastLoginHint lastLogin;

        private Builder() {}

        public Builder deviceId(@Nullable String value) {
            this.deviceId = value;
            return this;
        }

        public Builder userAgent(@Nullable String value) {
            this.userAgent = value;
            return this;
        }

        public Builder hints(ClientHints value) {
            this.hints = Objects.requireNonNull(value, "hints");
            return this;
        }

        public Builder capabilities(Map<String, Boolean> value) {
            this.capabilities = Objects.requireNonNull(value, "capabilities");
            return this;
        }

        public Builder userVerifyingPlatformAuthenticator(@Nullable Boolean value) {
            this.userVerifyingPlatformAuthenticator = value;
            return this;
        }

        public Builder conditionalMediation(@Nullable Boolean value) {
            this.conditionalMediation = value;
            return this;
        }

        public Builder lastLogin(@Nullable LastLoginHint value) {
            this.lastLogin = value;
            return this;
        }

        public ClientContext build() {
            return new ClientContext(
                    deviceId,
                    userAgent,
                    hints,
                    capabilities,
                    userVerifyingPlatformAuthenticator,
                    conditionalMediation,
                    lastLogin);
        }
    }
}
