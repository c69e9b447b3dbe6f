package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The insights page after scripted logins in Chromium. Its own class, so the demo server behind it
 * has seen no other test's flows and every number below is worked out from this test alone.
 */
@DisplayName("The demo's insights page in headless Chromium")
class InsightsE2eTest extends DemoE2eSupport {

    @Test
    @DisplayName(
            "after a passkey login, a healed login and an unknown identifier, the charts show the counts of those three flows")
    void chartsCountTheScriptedLogins() {
        String alice = newIdentifier("alice");
        // Sign-up adds the first passkey through an enrolment flow: not a login flow, not counted.
        signUpWithPasskey(browser, alice);
        logOut(browser);

        // Flow 1: a passkey login.
        enterIdentifier(browser, alice);
        assertOnDashboardWithPasskey(browser);
        logOut(browser);

        // Flow 2: the passkey is gone from this device: two cancels, the password, a new passkey.
        String oldId = browser.credentialIds().get(0);
        browser.authenticator().removeCredential(Base64.getUrlDecoder().decode(oldId));
        enterIdentifier(browser, alice);
        tryAgainThenPassword(browser);
        enterPassword(browser);
        browser.await("offer-title");
        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        logOut(browser);

        // Flow 3: an identifier nobody has: the password page, and the visitor leaves.
        enterIdentifier(browser, newIdentifier("nobody"));
        browser.await("fallback-message");

        // Does this Chromium offer conditional create? Then flow 2's offer was silent first (a silent
        // upgrade attempted); its virtual authenticator leaves that creation pending, so the page gave up
        // and showed the explicit offer: attempted, not created.
        boolean conditionalCreate = Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) browser.driver)
                .executeScript("return PublicKeyCredential.getClientCapabilities"
                        + " ? PublicKeyCredential.getClientCapabilities().then(c => !!c.conditionalCreate) : false"));

        browser.driver.get(baseUrl + "/insights");
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("chart-logins")));
        browser.screenshot("insights");

        assertThat(bar("loginFlowsStarted")).as("flows 1-3").isEqualTo(3);
        assertThat(bar("loginsCompleted")).as("flows 1 and 2").isEqualTo(2);
        assertThat(bar("passkeyLogins")).as("flow 1").isEqualTo(1);
        assertThat(bar("fallbackLogins")).as("flow 2").isEqualTo(1);
        assertThat(bar("fallbackNoPasskey")).as("flow 3").isEqualTo(1);
        assertThat(bar("fallbackPasskeyUnavailable")).isZero();
        assertThat(bar("fallbackAfterPasskeyFailure")).as("flow 2").isEqualTo(1);
        assertThat(bar("manualFallback")).isZero();
        assertThat(bar("healOffered")).as("flow 2").isEqualTo(1);
        assertThat(bar("healAccepted")).as("flow 2").isEqualTo(1);
        assertThat(bar("healCompleted")).as("flow 2").isEqualTo(1);
        assertThat(bar("appendOffered")).isZero();
        assertThat(browser.text("rate-login-success")).isEqualTo("67 %");
        assertThat(browser.text("rate-passkey-login")).isEqualTo("50 %");
        assertThat(browser.text("rate-heal-completion")).isEqualTo("100 %");
        assertThat(bar("silentUpgradesAttempted"))
                .as("flow 2, if the browser reports conditionalCreate")
                .isEqualTo(conditionalCreate ? 1 : 0);
        assertThat(bar("silentUpgradesCreated"))
                .as("the virtual authenticator never creates silently")
                .isZero();
        assertThat(browser.text("rate-silent-upgrade")).isEqualTo(conditionalCreate ? "0 %" : "n/a");

        // Flow 2's two failed attempts, from the Micrometer counters, whatever cause they were given.
        long failures = browser.driver.findElements(By.cssSelector("#chart-failures g.bar")).stream()
                .mapToLong(g -> Long.parseLong(g.getAttribute("data-value")))
                .sum();
        assertThat(failures).isEqualTo(2);

        // What is drawn matches the data: the value label of a bar and a zero bar without width.
        assertThat(barElement("passkeyLogins")
                        .findElement(By.cssSelector("text.value"))
                        .getText())
                .isEqualTo("1");
        assertThat(barElement("manualFallback")
                        .findElement(By.cssSelector("rect"))
                        .getAttribute("width"))
                .isEqualTo("0");
        assertThat(browser.driver.getPageSource()).doesNotContain(alice);
        // Nothing from a CDN: every script, style sheet, image and link stays on the demo's origin.
        for (WebElement element : browser.driver.findElements(By.cssSelector("[src], [href]"))) {
            String url = element.getAttribute(element.getAttribute("src") != null ? "src" : "href");
            assertThat(url).as(element.getTagName()).startsWith(baseUrl + "/");
        }
    }

    private static WebElement barElement(String kpi) {
        return browser.driver.findElement(By.cssSelector("g.bar[data-kpi='" + kpi + "']"));
    }

    private static long bar(String kpi) {
        return Long.parseLong(barElement(kpi).getAttribute("data-value"));
    }
}
