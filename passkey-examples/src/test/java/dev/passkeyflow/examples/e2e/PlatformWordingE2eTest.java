package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("5. The healing offer names the unlock method of the detected platform")
class PlatformWordingE2eTest extends DemoE2eSupport {

    /** A browser on each platform: its User-Agent, its UA client hints, and what the offer must say. */
    enum Platform {
        MACOS(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/156.0.0.0 Safari/537.36",
                "macOS",
                "15.0.0",
                false,
                "Touch ID"),
        WINDOWS(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/156.0.0.0 Safari/537.36",
                "Windows",
                "19.0.0",
                false,
                "Windows Hello"),
        IOS(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                        + "CriOS/156.0.0.0 Mobile/15E148 Safari/604.1",
                "iOS",
                "18.0.0",
                true,
                "Face ID"),
        ANDROID(
                "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/156.0.0.0 Mobile Safari/537.36",
                "Android",
                "15.0.0",
                true,
                "screen lock");

        final String userAgent;
        final String hint;
        final String version;
        final boolean mobile;
        final String unlockMethod;

        Platform(String userAgent, String hint, String version, boolean mobile, String unlockMethod) {
            this.userAgent = userAgent;
            this.hint = hint;
            this.version = version;
            this.mobile = mobile;
            this.unlockMethod = unlockMethod;
        }
    }

    @ParameterizedTest(name = "on {0} the offer names {1}")
    @EnumSource(Platform.class)
    void healingOfferNamesUnlockMethod(Platform platform) {
        browser.startScreenshots("healingOffer-" + platform.name().toLowerCase(java.util.Locale.ROOT));
        browser.pretendPlatform(platform.userAgent, platform.hint, platform.version, platform.mobile);
        String erin = newIdentifier("erin-" + platform.name().toLowerCase(java.util.Locale.ROOT));
        signUpWithPasskey(browser, erin);
        logOut(browser);
        browser.authenticator().removeAllCredentials();

        enterIdentifier(browser, erin);
        tryAgainThenPassword(browser);
        enterPassword(browser);
        browser.await("offer-title");
        browser.screenshot("healing-offer");

        assertThat(browser.text("offer-title")).isEqualTo("Issues using your passkey? Add a new one");
        assertThat(browser.text("offer-text"))
                .contains("confirm it with "
                        + (platform == Platform.IOS
                                ? "Face ID or Touch ID"
                                : platform == Platform.ANDROID ? "your screen lock" : platform.unlockMethod));
        assertThat(browser.text("offer-text")).contains(platform.unlockMethod);
        // The first sentence follows the diagnosis shown below it, worded for the platform's passkey store.
        assertThat(browser.text("diagnosis-cause")).isEqualTo("PASSKEY_DELETED_LOCALLY");
        assertThat(browser.text("offer-text"))
                .startsWith("Your passkey seems to have been removed from "
                        + switch (platform) {
                            case MACOS, IOS -> "iCloud Keychain";
                            case ANDROID -> "Google Password Manager";
                            case WINDOWS -> "Windows Hello or your password manager";
                        }
                        + " on this device.");
        browser.clickAndWait("skip");
        browser.await("passkeys");
    }
}
