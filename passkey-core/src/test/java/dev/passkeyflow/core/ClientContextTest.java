package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("What the host knows about the client")
class ClientContextTest {

    private static final String MAC_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Safari/605.1.15";

    /** Capabilities as a page reports them; a blank cell means "not reported". */
    private static Map<String, Boolean> caps(Boolean platform, Boolean uvPlatform, Boolean hybrid) {
        Map<String, Boolean> map = new HashMap<>();
        if (platform != null) {
            map.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, platform);
        }
        if (uvPlatform != null) {
            map.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, uvPlatform);
        }
        if (hybrid != null) {
            map.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, hybrid);
        }
        return map;
    }

    @Nested
    @DisplayName("ClientContext")
    class Context {

        @Test
        @DisplayName("truncates the device id to 128 and the User-Agent to 512 characters")
        void truncatesLongValues() {
            ClientContext client = ClientContext.builder()
                    .deviceId("d".repeat(500))
                    .userAgent("u".repeat(5000))
                    .lastLogin(new LastLoginHint("i".repeat(1000), "c".repeat(5000)))
                    .build();

            assertThat(client.deviceId()).isEqualTo("d".repeat(128));
            assertThat(client.userAgent()).isEqualTo("u".repeat(512));
            assertThat(client.lastLogin().identifier()).isEqualTo("i".repeat(256));
            assertThat(client.lastLogin().credentialId()).isEqualTo("c".repeat(1024));
        }

        @Test
        @DisplayName("keeps short values as they are and absent values absent")
        void keepsShortValues() {
            ClientContext client = ClientContext.builder()
                    .deviceId("d".repeat(128))
                    .userAgent(MAC_SAFARI)
                    .build();

            assertThat(client.deviceId()).isEqualTo("d".repeat(128));
            assertThat(client.userAgent()).isEqualTo(MAC_SAFARI);
            assertThat(ClientContext.unknown().deviceId()).isNull();
            assertThat(ClientContext.unknown().userAgent()).isNull();
            assertThat(ClientContext.unknown().capabilities()).isEmpty();
        }

        @Test
        @DisplayName("keeps at most MAX_CAPABILITIES capabilities")
        void capabilityCap() {
            Map<String, Boolean> many = new LinkedHashMap<>();
            for (int i = 0; i < 100; i++) {
                many.put(String.format("cap%03d", i), i % 2 == 0);
            }

            ClientContext client = ClientContext.builder().capabilities(many).build();

            assertThat(client.capabilities()).hasSize(ClientContext.MAX_CAPABILITIES);
            assertThat(many).containsAllEntriesOf(client.capabilities());
        }

        @Test
        @DisplayName("keeps the WebAuthn capability keys when they come last after many extension keys")
        void knownCapabilitiesFirst() {
            Map<String, Boolean> reported = new LinkedHashMap<>();
            for (int i = 0; i < 2 * ClientContext.MAX_CAPABILITIES; i++) {
                reported.put(String.format("extension:x%03d", i), true);
            }
            reported.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, true);
            reported.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, false);

            ClientContext client =
                    ClientContext.builder().capabilities(reported).build();

            assertThat(client.capabilities())
                    .hasSize(ClientContext.MAX_CAPABILITIES)
                    .containsEntry(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, true)
                    .containsEntry(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, false)
                    .containsKey("extension:x000")
                    .doesNotContainKey("extension:x127");
            assertThat(client.canCreatePasskeyLocally()).isTrue();
        }

        @Test
        @DisplayName("drops null keys, null values and over-long keys without letting them use up the cap")
        void dropsNulls() {
            Map<String, Boolean> input = new LinkedHashMap<>();
            input.put(null, true);
            input.put("reportedAsNull", null);
            input.put("k".repeat(65), true);
            for (int i = 0; i < ClientContext.MAX_CAPABILITIES; i++) {
                input.put(String.format("cap%02d", i), true);
            }

            ClientContext client = ClientContext.builder().capabilities(input).build();

            assertThat(client.capabilities())
                    .hasSize(ClientContext.MAX_CAPABILITIES)
                    .doesNotContainKey("reportedAsNull")
                    .doesNotContainKey("k".repeat(65))
                    .containsKeys("cap00", "cap31");
            assertThat(client.capabilities().keySet()).doesNotContainNull();
            assertThat(client.capability("reportedAsNull")).isNull();
        }

        @Test
        @DisplayName(
                "copies the capabilities: later changes to the caller's map do not leak in, and the copy is read-only")
        void capabilitiesCopied() {
            Map<String, Boolean> input = new HashMap<>(Map.of("hybridTransport", true));
            ClientContext client = ClientContext.builder().capabilities(input).build();
            input.put("hybridTransport", false);

            assertThat(client.capability("hybridTransport")).isTrue();
            assertThatThrownBy(() -> client.capabilities().put("x", true))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        @DisplayName("requires hints and capabilities")
        void requiredComponents() {
            assertThatNullPointerException()
                    .isThrownBy(() -> new ClientContext(null, null, null, Map.of(), null, null, null))
                    .withMessage("hints");
            assertThatNullPointerException()
                    .isThrownBy(() -> new ClientContext(null, null, ClientHints.none(), null, null, null, null))
                    .withMessage("capabilities");
        }

        @ParameterizedTest(
                name = "uvpaa={0}, passkeyPlatformAuthenticator={1}, userVerifyingPlatformAuthenticator={2} -> {3}")
        @CsvSource(
                nullValues = "-",
                value = {
                    "-,     -,     -,     false",
                    "true,  -,     -,     true",
                    "-,     true,  -,     true",
                    "-,     -,     true,  true",
                    "false, -,     -,     false",
                    "false, false, false, false",
                    "false, true,  -,     true",
                    "false, -,     true,  true",
                    "true,  false, false, true",
                    "-,     false, -,     false"
                })
        @DisplayName(
                "canCreatePasskeyLocally: true when any report says a user-verifying platform authenticator exists")
        void canCreatePasskeyLocally(Boolean uvpaa, Boolean platform, Boolean uvPlatform, boolean expected) {
            ClientContext client = ClientContext.builder()
                    .userVerifyingPlatformAuthenticator(uvpaa)
                    .capabilities(caps(platform, uvPlatform, null))
                    .build();

            assertThat(client.canCreatePasskeyLocally()).isEqualTo(expected);
        }

        @ParameterizedTest(name = "uvpaa={0}, passkeyPlatformAuthenticator={1}, hybridTransport={2} -> {3}")
        @CsvSource(
                nullValues = "-",
                value = {
                    "-,     -,     -,     false",
                    "false, -,     false, true",
                    "-,     false, false, true",
                    "false, false, false, true",
                    "false, -,     -,     false",
                    "-,     false, -,     false",
                    "-,     -,     false, false",
                    "false, false, true,  false",
                    "true,  -,     false, false",
                    "-,     true,  false, false",
                    "true,  false, false, false",
                    "false, true,  false, false"
                })
        @DisplayName(
                "reportsNoAuthenticatorAtAll: only an explicit 'no platform authenticator' and 'no hybrid', never against a 'yes'")
        void reportsNoAuthenticatorAtAll(Boolean uvpaa, Boolean platform, Boolean hybrid, boolean expected) {
            ClientContext client = ClientContext.builder()
                    .userVerifyingPlatformAuthenticator(uvpaa)
                    .capabilities(caps(platform, null, hybrid))
                    .build();

            assertThat(client.reportsNoAuthenticatorAtAll()).isEqualTo(expected);
        }

        @Test
        @DisplayName("never both can create a passkey locally and has no authenticator at all")
        void predicatesNeverContradict() {
            Boolean[] values = {null, true, false};
            for (Boolean uvpaa : values) {
                for (Boolean platform : values) {
                    for (Boolean uvPlatform : values) {
                        for (Boolean hybrid : values) {
                            ClientContext client = ClientContext.builder()
                                    .userVerifyingPlatformAuthenticator(uvpaa)
                                    .capabilities(caps(platform, uvPlatform, hybrid))
                                    .build();
                            assertThat(client.canCreatePasskeyLocally() && client.reportsNoAuthenticatorAtAll())
                                    .as("%s", client)
                                    .isFalse();
                        }
                    }
                }
            }
        }
    }

    @Nested
    @DisplayName("ClientHints")
    class Hints {

        @Test
        @DisplayName("removes the quotes of structured header values")
        void unquotes() {
            ClientHints hints = new ClientHints("\"macOS\"", "\"15.0.0\"", true);

            assertThat(hints.platform()).isEqualTo("macOS");
            assertThat(hints.platformVersion()).isEqualTo("15.0.0");
            assertThat(hints.mobile()).isTrue();
        }

        @Test
        @DisplayName("trims unquoted values and turns empty ones into absent ones")
        void trimsAndEmpties() {
            ClientHints hints = new ClientHints("  Windows ", "\"\"", null);

            assertThat(hints.platform()).isEqualTo("Windows");
            assertThat(hints.platformVersion()).isNull();
            assertThat(new ClientHints("   ", null, null).platform()).isNull();
        }

        @Test
        @DisplayName("truncates values to 64 characters")
        void truncates() {
            assertThat(new ClientHints("p".repeat(200), "1".repeat(200), null))
                    .satisfies(h -> assertThat(h.platform()).hasSize(64))
                    .satisfies(h -> assertThat(h.platformVersion()).hasSize(64));
        }

        @Test
        @DisplayName("removes the quotes of an over-long value before truncating it, so no stray quote is kept")
        void unquotesBeforeTruncating() {
            ClientHints hints = new ClientHints("\"" + "p".repeat(100) + "\"", "\"" + "1".repeat(100) + "\"", null);

            assertThat(hints.platform()).isEqualTo("p".repeat(64));
            assertThat(hints.platformVersion()).isEqualTo("1".repeat(64));
        }

        @Test
        @DisplayName("does not cut a character outside the Basic Multilingual Plane in half")
        void keepsSurrogatePairsWhole() {
            String emoji = "\uD83D\uDD11"; // one key emoji: two chars
            ClientHints hints = new ClientHints("p".repeat(63) + emoji, null, null);

            assertThat(hints.platform()).isEqualTo("p".repeat(63));
            assertThat(ClientContext.builder()
                            .deviceId("d".repeat(127) + emoji)
                            .build()
                            .deviceId())
                    .isEqualTo("d".repeat(127));
        }

        @Test
        @DisplayName("none() has no values")
        void none() {
            assertThat(ClientHints.none()).isEqualTo(new ClientHints(null, null, null));
        }
    }

    @Nested
    @DisplayName("ClientPlatform")
    class Platform {

        @ParameterizedTest(name = "''{0}'' is {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "macOS        | MACOS",
                    "\"macOS\"    | MACOS",
                    "Mac OS X     | MACOS",
                    "iOS          | IOS",
                    "iPadOS       | IOS",
                    "Windows      | WINDOWS",
                    "' WINDOWS '  | WINDOWS",
                    "Android      | ANDROID",
                    "Chrome OS    | CHROME_OS",
                    "Chromium OS  | CHROME_OS",
                    "Linux        | LINUX",
                    "Unknown      | OTHER",
                    "FreeBSD      | OTHER",
                    "''           | OTHER"
                })
        @DisplayName("fromName reads client-hint and stored platform names")
        void fromName(String name, ClientPlatform expected) {
            assertThat(ClientPlatform.fromName(name)).isEqualTo(expected);
        }

        @Test
        @DisplayName("fromName and fromUserAgent read null as OTHER")
        void nulls() {
            assertThat(ClientPlatform.fromName(null)).isEqualTo(ClientPlatform.OTHER);
            assertThat(ClientPlatform.fromUserAgent(null)).isEqualTo(ClientPlatform.OTHER);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ClientPlatform.class)
        @DisplayName("fromName reads back every stored name")
        void storedNameRoundTrip(ClientPlatform platform) {
            assertThat(ClientPlatform.fromName(platform.storedName())).isEqualTo(platform);
        }

        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "macOS Safari | MACOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                    "macOS Chrome | MACOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                    "iPhone Safari | IOS | Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                    "iPhone Firefox | IOS | Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
                    "iPad Safari (mobile site) | IOS | Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                    "Windows Chrome | WINDOWS | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                    "Windows Edge | WINDOWS | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
                    "Windows Firefox | WINDOWS | Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
                    "Android Chrome | ANDROID | Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36",
                    "ChromeOS | CHROME_OS | Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                    "Linux Firefox | LINUX | Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
                    "Ubuntu Firefox | LINUX | Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
                    "curl | OTHER | curl/8.5.0"
                })
        @DisplayName("fromUserAgent reads the platform of real User-Agent strings")
        void fromUserAgent(String browser, ClientPlatform expected, String userAgent) {
            assertThat(ClientPlatform.fromUserAgent(userAgent)).isEqualTo(expected);
        }

        @Test
        @DisplayName("of() prefers the client hint over the User-Agent")
        void prefersHints() {
            ClientContext client = ClientContext.builder()
                    .userAgent(MAC_SAFARI)
                    .hints(new ClientHints("\"Windows\"", null, false))
                    .build();

            assertThat(ClientPlatform.of(client)).isEqualTo(ClientPlatform.WINDOWS);
        }

        @Test
        @DisplayName("of() reads the User-Agent when the hint is missing or names no known platform")
        void fallsBackToUserAgent() {
            ClientContext noHints =
                    ClientContext.builder().userAgent(MAC_SAFARI).build();
            ClientContext unknownHint = ClientContext.builder()
                    .userAgent(MAC_SAFARI)
                    .hints(new ClientHints("\"Unknown\"", null, null))
                    .build();

            assertThat(ClientPlatform.of(noHints)).isEqualTo(ClientPlatform.MACOS);
            assertThat(ClientPlatform.of(unknownHint)).isEqualTo(ClientPlatform.MACOS);
            assertThat(ClientPlatform.of(ClientContext.unknown())).isEqualTo(ClientPlatform.OTHER);
        }

        @Test
        @DisplayName("names the OS dialog the user will see")
        void unlockMethod() {
            assertThat(ClientPlatform.MACOS.unlockMethod()).isEqualTo("Touch ID");
            assertThat(ClientPlatform.WINDOWS.unlockMethod()).isEqualTo("Windows Hello");
            assertThat(ClientPlatform.values())
                    .allSatisfy(p -> assertThat(p.unlockMethod()).isNotBlank());
        }
    }
}
