package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.ClientPlatform;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("PlatformHints")
class PlatformHintsTest {

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15|MACOS",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1|IOS",
                "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1|IOS",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36|WINDOWS",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36|ANDROID",
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36|CHROME_OS",
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0|LINUX",
                "curl/8.5.0|OTHER"
            })
    @DisplayName("reads the platform from a User-Agent string")
    void userAgents(String userAgent, ClientPlatform expected) {
        assertThat(PlatformHints.fromUserAgent(userAgent)).isEqualTo(expected);
    }

    @Test
    @DisplayName("prefers the UA client hint over the User-Agent string")
    void hintsFirst() {
        ClientContext client = ClientContext.builder()
                .userAgent(
                        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36")
                .hints(new ClientHints("\"Android\"", "14.0.0", true))
                .build();
        assertThat(PlatformHints.platformOf(client)).isEqualTo(ClientPlatform.ANDROID);
        assertThat(PlatformHints.platformOf(ClientContext.unknown())).isEqualTo(ClientPlatform.OTHER);
    }

    @Test
    @DisplayName("keeps parsed User-Agents in a bounded cache")
    void boundedCache() {
        UserAgentPlatforms platforms = new UserAgentPlatforms(3);
        for (int i = 0; i < 10; i++) {
            platforms.platform("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0." + i);
        }
        assertThat(platforms.cachedEntries()).isEqualTo(3);
    }
}
