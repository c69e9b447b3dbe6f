package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;

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

    @Test
    @DisplayName(
            "2. a passkey deleted on this device: it starts by itself and fails, the calm retry fails, the password, healing, and the next login just works")
    void locallyDeletedPasskeyHeals() {
        String alice = newIdentifier("alice");
        signUpWithPasskey(browser, alice);
        String oldId = browser.credentialIds().get(0);
        logOut(browser);
        browser.authenticator().removeCredential(Base64.getUrlDecoder().decode(oldId));
        Instant before = Instant.now();

        // The passkey login starts by itself (nothing but "Continue" was clicked) and fails at once:
        // no credential on this device. The demo's policy grants one calm retry even though Passkey
        // Intelligence already sees the passkey is gone (fallBackAtOnceWhenPasskeyAbsent(false)).
        enterIdentifier(browser, alice);
        browser.await("calm-retry");
        browser.screenshot("calm-retry");
        assertThat(browser.page()).isEqualTo("passkey");
        assertThat(browser.has("sign-in-passkey")).isFalse();
        assertThat(browser.text("calm-retry")).isEqualTo("No problem. When you are ready, try your passkey again.");
        assertThat(attemptsSince(alice, before)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.CANCELLED);
            assertThat(a.clientErrorName()).isEqualTo("NotAllowedError");
        });

        // The calm retry fails too: the password page.
        browser.clickAndWait("try-again");
        browser.await("fallback-message");
        browser.screenshot("fallback");
        assertThat(browser.page()).isEqualTo("password");
        assertThat(browser.text("fallback-message"))
                .isEqualTo("Your passkey didn't work this time. Sign in with your password instead.");
        assertThat(attemptsSince(alice, before))
                .extracting(LoginAttempt::outcome)
                .containsExactly(AttemptOutcome.CANCELLED, AttemptOutcome.CANCELLED);

        // The password works; the healing offer appears.
        enterPassword(browser);
        browser.await("offer-title");
        browser.screenshot("healing-offer");
        assertThat(browser.text("offer-title")).isEqualTo("Issues using your passkey? Add a new one");

        // The new passkey is created; the dashboard shows it.
        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        browser.screenshot("dashboard-healed");
        assertThat(browser.text("flash")).isEqualTo("Your new passkey is ready. Next time, sign in with it.");
        List<String> held = browser.credentialIds();
        assertThat(held).hasSize(1).doesNotContain(oldId);
        String newId = held.get(0);
        assertThat(passkeyRows(browser)).hasSize(2);
        assertThat(statusOf(browser, newId)).isEqualTo("Active");
        assertThat(statusOf(browser, oldId)).isEqualTo("Not working on this device");

        // The next login succeeds with the passkey and no error.
        logOut(browser);
        Instant next = Instant.now();
        enterIdentifier(browser, alice);
        assertOnDashboardWithPasskey(browser);
        browser.screenshot("dashboard-next-login");
        assertThat(attemptsSince(alice, next))
                .extracting(LoginAttempt::outcome)
                .containsExactly(AttemptOutcome.SUCCEEDED);
        assertThat(browser.has("flash")).isFalse();
    }

    @Test
    @DisplayName("3. a device signed into another cloud account heals there; the synced device keeps the old passkey")
    void differentCloudAccount() {
        String bob = newIdentifier("bob");
        signUpWithPasskey(browser, bob);
        Credential synced = browser.credentials().get(0);
        String oldId = browser.credentialIds().get(0);

        try (DemoBrowser phone = DemoBrowser.open(baseUrl, screenshots)) {
            phone.startScreenshots("differentCloudAccount-phone");
            phone.authenticator().addCredential(synced);

            // This laptop is now signed into another cloud account: its passkey store is empty.
            browser.newAuthenticator();
            logOut(browser);
            enterIdentifier(browser, bob);
            tryAgainThenPassword(browser);
            enterPassword(browser);
            browser.await("offer-title");
            browser.screenshot("healing-offer");
            assertThat(browser.text("offer-title")).isEqualTo("Issues using your passkey? Add a new one");
            browser.clickAndWait("add-passkey");
            browser.await("passkeys");
            browser.screenshot("dashboard-healed");
            String newId = browser.credentialIds().get(0);
            assertThat(passkeyRows(browser)).hasSize(2);
            assertThat(statusOf(browser, newId)).isEqualTo("Active");
            assertThat(statusOf(browser, oldId)).isEqualTo("Not working on this device");

            // The phone, a new device for this account, still has the synced old passkey. Having no
            // history here, the passkeys' availability is uncertain: Passkey Intelligence starts the
            // passkey at once (uncertainStart's default), and the phone signs in without a click.
            enterIdentifier(phone, bob);
            assertOnDashboardWithPasskey(phone);
            phone.screenshot("dashboard");
            assertThat(passkeyRows(phone)).hasSize(2);
            assertThat(statusOf(phone, newId)).isEqualTo("Active");
            assertThat(statusOf(phone, oldId)).isEqualTo("Works on this device; not working on another device");
            assertThat(phone.credentialIds()).containsExactly(oldId);
        }
        assertThat(storedPasskeys(bob))
                .extracting(c -> c.status())
                .containsExactlyInAnyOrder(CredentialStatus.SUSPECTED_BROKEN, CredentialStatus.ACTIVE);
    }

    @Test
    @DisplayName("4. a declined offer lands on the dashboard, and the next login on this device respects the cooldown")
    void declinedHealingCooldown() {
        String carol = newIdentifier("carol");
        signUpWithPasskey(browser, carol);
        logOut(browser);
        browser.authenticator().removeAllCredentials();

        enterIdentifier(browser, carol);
        tryAgainThenPassword(browser);
        enterPassword(browser);
        browser.await("offer-title");
        assertThat(browser.text("offer-title")).isEqualTo("Issues using your passkey? Add a new one");
        browser.screenshot("healing-offer");
        browser.clickAndWait("skip");
        browser.await("passkeys");
        browser.screenshot("dashboard-declined");
        assertThat(browser.text("flash")).isEqualTo("OK, no new passkey for now.");
        assertThat(attemptOutcomes(carol)).contains(AttemptOutcome.REGISTRATION_DECLINED);

        // One failed flow since the last success leaves the history uncertain, not negative (its two
        // failures may have been the person dismissing a working passkey): the passkey is tried again.
        logOut(browser);
        enterIdentifier(browser, carol);
        tryAgainThenPassword(browser);
        browser.screenshot("password-again");
        enterPassword(browser);
        browser.await("passkeys");
        browser.screenshot("dashboard-no-offer");
        assertThat(browser.text("signed-in-with")).isEqualTo("your password");
        assertThat(attemptOutcomes(carol))
                .filteredOn(o -> o == AttemptOutcome.REGISTRATION_DECLINED)
                .hasSize(1);
        assertThat(passkeyRows(browser)).hasSize(1);
    }

    @Test
    @DisplayName(
            "6. a passkey the server deleted: the page signals signalUnknownCredential and the authenticator drops it")
    void serverDeletedPasskeyIsSignalled() throws InterruptedException {
        String dave = newIdentifier("dave");
        signUpWithPasskey(browser, dave);
        Credential synced = browser.credentials().get(0);
        String id = browser.credentialIds().get(0);

        try (DemoBrowser phone = DemoBrowser.open(baseUrl, screenshots)) {
            phone.startScreenshots("serverDeletedPasskeyIsSignalled-phone");
            // The phone's first prompt finds no passkey yet (it has not synced): the page offers the
            // calm retry ("Try again")...
            enterIdentifier(phone, dave);
            phone.await("calm-retry");
            phone.screenshot("calm-retry");
            phone.authenticator().addCredential(synced);

            // ...while the passkey is deleted on the laptop's dashboard.
            row(browser, id).findElement(By.cssSelector("button.delete")).click();
            browser.await("confirm-delete");
            browser.clickAndWait("confirm-delete");
            browser.await("flash");
            assertThat(browser.text("flash")).isEqualTo("Passkey deleted.");
            assertThat(browser.has("no-passkeys")).isTrue();
            browser.screenshot("dashboard-deleted");

            // Now the passkey has synced and the phone tries again: the server does not know it any more.
            phone.clickAndWait("try-again");
            phone.await("fallback-message");
            phone.screenshot("password-after-unknown-credential");
            assertThat(phone.signalsMade()).isEqualTo("signalUnknownCredential");
            assertThat(phone.driver.findElement(By.id("signal-log")).getAttribute("textContent"))
                    .isEqualTo("signalUnknownCredential");
            new WebDriverWait(phone.driver, DemoBrowser.WAIT)
                    .until(d -> phone.credentials().isEmpty());
            assertThat(phone.credentials()).isEmpty();
            assertThat(attemptOutcomes(dave)).contains(AttemptOutcome.UNKNOWN_CREDENTIAL);
        }
    }

    private static List<AttemptOutcome> attemptOutcomes(String identifier) {
        List<AttemptOutcome> outcomes = new ArrayList<>();
        for (LoginAttempt attempt : attemptsSince(identifier, Instant.EPOCH)) {
            outcomes.add(attempt.outcome());
        }
        return outcomes;
    }
}
