package dev.passkeyflow.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClientContextReader builds the client context from headers and the page's JSON")
class ClientContextReaderTest {

    private static final String DEVICE = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private static Function<String, String> headers(Map<String, String> values) {
        return values::get;
    }

    @Test
    @DisplayName("reads the User-Agent and the Sec-CH-UA-* headers, unquoted, when the page sent nothing")
    void headersOnly() {
        ClientContext client = ClientContextReader.read(
                headers(Map.of(
                        "User-Agent",
                        "Mozilla/5.0 (Windows NT 10.0)",
                        "Sec-CH-UA-Platform",
                        "\"Windows\"",
                        "Sec-CH-UA-Platform-Version",
                        "\"15.0.0\"",
                        "Sec-CH-UA-Mobile",
                        "?0")),
                null,
                DEVICE);

        assertThat(client.userAgent()).isEqualTo("Mozilla/5.0 (Windows NT 10.0)");
        assertThat(client.hints().platform()).isEqualTo("Windows");
        assertThat(client.hints().platformVersion()).isEqualTo("15.0.0");
        assertThat(client.hints().mobile()).isFalse();
        assertThat(client.deviceId()).isEqualTo(DEVICE);
        assertThat(client.capabilities()).isEmpty();
    }

    @Test
    @DisplayName(
            "takes capabilities, platform authenticator, conditional mediation, hints and last login from the page")
    void pagePayload() {
        String page = """
                {"version":"0.1.0","deviceId":"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                 "capabilities":{"passkeyPlatformAuthenticator":true,"hybridTransport":false,"extension:x":"yes"},
                 "userVerifyingPlatformAuthenticator":true,"conditionalMediation":false,
                 "hints":{"platform":"macOS","platformVersion":"15.1.0","mobile":false},
                 "lastLogin":{"identifier":"ann@example.com","credentialId":"abc"}}""";

        ClientContext client = ClientContextReader.read(headers(Map.of("Sec-CH-UA-Platform", "\"Linux\"")), page, null);

        assertThat(client.capabilities())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("passkeyPlatformAuthenticator", true, "hybridTransport", false));
        assertThat(client.userVerifyingPlatformAuthenticator()).isTrue();
        assertThat(client.conditionalMediation()).isFalse();
        assertThat(client.hints().platform()).isEqualTo("macOS");
        assertThat(client.hints().platformVersion()).isEqualTo("15.1.0");
        assertThat(client.lastLogin()).isNotNull();
        assertThat(client.lastLogin().identifier()).isEqualTo("ann@example.com");
        assertThat(client.lastLogin().credentialId()).isEqualTo("abc");
        assertThat(client.deviceId())
                .as("the page's device id when the host has none")
                .isEqualTo("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
    }

    @Test
    @DisplayName("prefers the host's device cookie over the page's id and ignores a malformed page id")
    void deviceIdPrecedence() {
        String page = "{\"deviceId\":\"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\"}";
        assertThat(ClientContextReader.read(headers(Map.of()), page, DEVICE).deviceId())
                .isEqualTo(DEVICE);
        assertThat(ClientContextReader.read(headers(Map.of()), "{\"deviceId\":\"x y\"}", null)
                        .deviceId())
                .isNull();
    }

    @Test
    @DisplayName("ignores a payload that is not a JSON object or is too long, keeping what the headers say")
    void badPayloads() {
        Function<String, String> h = headers(Map.of("User-Agent", "UA", "Sec-CH-UA-Mobile", "?1"));
        String tooLong = "{\"capabilities\":{\"passkeyPlatformAuthenticator\":true},\"pad\":\""
                + "x".repeat(ClientContextReader.MAX_PAYLOAD_CHARS) + "\"}";
        for (String payload : new String[] {"not json", "[1,2]", "42", tooLong, "{\"capabilities\":[true]}"}) {
            ClientContext client = ClientContextReader.read(h, payload, null);
            assertThat(client.userAgent()).isEqualTo("UA");
            assertThat(client.hints().mobile()).isTrue();
            assertThat(client.capabilities()).isEmpty();
            assertThat(client.lastLogin()).isNull();
        }
    }

    @Test
    @DisplayName("keeps the platform-authenticator keys Chrome lists last, after many other keys")
    void chromeOrder() {
        StringBuilder capabilities = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            capabilities
                    .append("\"extension:e")
                    .append(String.format("%03d", i))
                    .append("\":true,");
        }
        capabilities.append("\"passkeyPlatformAuthenticator\":true,\"userVerifyingPlatformAuthenticator\":true}");

        ClientContext client =
                ClientContextReader.read(headers(Map.of()), "{\"capabilities\":" + capabilities + "}", null);

        assertThat(client.canCreatePasskeyLocally()).isTrue();
        assertThat(client.capability("userVerifyingPlatformAuthenticator")).isTrue();
    }
}
