package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.LoginAttempt;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Immediate UI mode on the demo's sign-in page, in headless Chromium 156, which reports
 * {@code getClientCapabilities().immediateGet}. The sign-in form starts the flow with {@code fetch}
 * ({@code POST /login/in-place}) and runs a challenge in immediate UI mode at once, within the
 * click's transient activation (a page loaded after a redirect would no longer have it).
 */
@DisplayName("Immediate UI mode on the sign-in page in headless Chromium")
class ImmediateModeE2eTest extends DemoE2eSupport {

    @Test
    @DisplayName("a passkey on this device: the click on Continue runs get() in immediate UI mode and signs in")
    void passkeyHere() {
        browser.immediateUiMode(true);
        String alice = newIdentifier("alice");
        signUpWithPasskey(browser, alice);
        logOut(browser);
        Instant before = Instant.now();

        enterIdentifier(browser, alice);

        assertOnDashboardWithPasskey(browser);
        assertThat(browser.uiModesUsed()).isEqualTo("[\"immediate\"]");
        assertThat(attemptsSince(alice, before))
                .extracting(LoginAttempt::outcome)
                .containsExactly(AttemptOutcome.SUCCEEDED);
    }

    @Test
    @DisplayName(
            "the passkey deleted on this device: immediate UI mode rejects at once without a prompt, the password follows with the diagnosis, then the healing offer")
    void passkeyGoneFromThisDevice() {
        browser.immediateUiMode(true);
        String bob = newIdentifier("bob");
        signUpWithPasskey(browser, bob);
        logOut(browser);
        String oldId = browser.credentialIds().get(0);
        browser.authenticator().removeCredential(Base64.getUrlDecoder().decode(oldId));
        Instant before = Instant.now();

        enterIdentifier(browser, bob);

        // No prompt bound to fail and no calm retry: the browser said at once that it holds no passkey.
        browser.await("fallback-message");
        browser.screenshot("password-after-immediate");
        assertThat(browser.uiModesUsed()).isEqualTo("[\"immediate\"]");
        assertThat(browser.has("calm-retry")).isFalse();
        assertThat(browser.driver
                        .findElement(org.openqa.selenium.By.id("error-log"))
                        .getAttribute("textContent"))
                .contains("immediate UI mode");
        assertThat(browser.text("diagnosis-evidence")).contains("immediate UI mode");
        assertThat(attemptsSince(bob, before))
                .extracting(LoginAttempt::outcome)
                .containsExactly(AttemptOutcome.IMMEDIATE_REJECTED);

        enterPassword(browser);
        browser.await("offer-title");
        browser.waitReady();
        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        assertThat(storedPasskeys(bob)).hasSize(2);
    }

    @Test
    @DisplayName("a browser without immediate UI mode: the same form takes the modal path (auto-start, calm retry)")
    void browserWithoutImmediateMode() {
        String carol = newIdentifier("carol");
        signUpWithPasskey(browser, carol);
        logOut(browser);
        browser.authenticator().removeAllCredentials();

        enterIdentifier(browser, carol);
        tryAgainThenPassword(browser);

        assertThat(browser.uiModesUsed()).doesNotContain("immediate").contains("modal");
    }
}
