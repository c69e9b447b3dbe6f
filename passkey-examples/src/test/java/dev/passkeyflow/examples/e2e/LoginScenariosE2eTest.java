package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The demo in headless Chromium with a virtual authenticator")
class LoginScenariosE2eTest extends DemoE2eSupport {

    @Test
    @DisplayName("1. sign up, add a passkey, log out, log in with the passkey, land on the dashboard")
    void signUpAndLogInWithPasskey() {
        String alice = newIdentifier("alice");
        signUpWithPasskey(browser, alice);
        assertThat(passkeyRows(browser)).hasSize(1);
        List<String> held = browser.credentialIds();
        assertThat(held).hasSize(1);
        assertThat(statusOf(browser, held.get(0))).isEqualTo("Active");

        logOut(browser);
        enterIdentifier(browser, alice);

        assertOnDashboardWithPasskey(browser);
        browser.screenshot("dashboard");
        assertThat(browser.text("who")).isEqualTo(alice);
        assertThat(passkeyRows(browser)).hasSize(1);
        assertThat(browser.signalsMade()).contains("signalAllAcceptedCredentials");
    }
}
