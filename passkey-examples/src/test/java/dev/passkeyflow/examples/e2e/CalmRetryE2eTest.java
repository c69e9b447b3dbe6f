package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.LoginAttempt;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("2b. A passkey prompt the person dismisses: a calm retry, then the password")
@DemoE2eSupport.CeremonyTimeoutSeconds(3)
class CalmRetryE2eTest extends DemoE2eSupport {

    @Test
    @DisplayName("the first dismissal gets a calm 'Try again', the second goes to the password, no healing offer")
    void calmRetryThenPassword() {
        String frank = newIdentifier("frank");
        signUpWithPasskey(browser, frank);
        logOut(browser);
        // The passkey is there, but nobody confirms the prompt: it ends like a cancel, after seconds.
        browser.automaticPresence(false);
        Instant before = Instant.now();

        enterIdentifier(browser, frank);
        browser.await("calm-retry");
        browser.screenshot("calm-retry");
        assertThat(browser.text("calm-retry")).isEqualTo("No problem. When you are ready, try your passkey again.");

        browser.clickAndWait("try-again");
        browser.await("fallback-message");
        browser.screenshot("fallback");
        assertThat(browser.text("fallback-message"))
                .isEqualTo("Your passkey didn't work this time. Sign in with your password instead.");

        enterPassword(browser);
        // A mere cancel on a device whose passkey works is no reason to offer a new one.
        browser.await("passkeys");
        browser.screenshot("dashboard");
        assertThat(browser.text("signed-in-with")).isEqualTo("your password");
        // An unanswered prompt ends at the ceremony timeout, which the flow records as a timeout.
        assertThat(attemptsSince(frank, before))
                .filteredOn(a -> a.outcome() == AttemptOutcome.TIMED_OUT)
                .hasSize(2)
                .allSatisfy(a -> {
                    assertThat(a.clientErrorName()).isEqualTo("NotAllowedError");
                    assertThat(a.elapsedMillis()).isGreaterThanOrEqualTo(1_000);
                });
        assertThat(attemptsSince(frank, before))
                .extracting(LoginAttempt::outcome)
                .doesNotContain(AttemptOutcome.REGISTRATION_DECLINED);
    }
}
