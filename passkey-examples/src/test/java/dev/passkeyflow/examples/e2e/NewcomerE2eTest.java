package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue #16: the frictions a newcomer met trying the demo, each shown gone in the browser.
 */
@DisplayName("#16 in Chromium: the demo a newcomer understands")
class NewcomerE2eTest extends DemoE2eSupport {

    @AfterEach
    void restore() {
        if (browser != null) {
            browser.authenticator().setUserVerified(true);
            browser.driver.manage().window().setSize(new Dimension(1000, 860));
        }
    }

    @Test
    @DisplayName("http://127.0.0.1:PORT is sent to http://localhost:PORT, where passkeys work")
    void loopbackAddressRedirects() {
        String port = baseUrl.substring(baseUrl.lastIndexOf(':') + 1);
        browser.driver.get("http://127.0.0.1:" + port + "/login");
        browser.waitReady();
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(baseUrl + "/login");
        assertThat(browser.page()).isEqualTo("login");
    }

    @Test
    @DisplayName(
            "the failed attempt shows in the footer after the reload, the diagnosis and its evidence on the password page, which has a username field for password managers")
    void errorDiagnosisAndUsernameVisible() {
        String ann = newIdentifier("ann");
        signUpWithPasskey(browser, ann);
        logOut(browser);
        browser.authenticator().removeAllCredentials();

        enterIdentifier(browser, ann);
        browser.await("calm-retry");
        assertThat(footerError()).matches("NotAllowedError after \\d+ ms \\(sign-in\\)");
        browser.clickAndWait("try-again");
        browser.await("fallback-message");
        browser.screenshot("password-with-diagnosis");

        assertThat(footerError()).matches("NotAllowedError after \\d+ ms \\(sign-in\\)");
        assertThat(browser.has("diagnosis")).isTrue();
        assertThat(browser.text("diagnosis-cause")).isNotBlank().isNotEqualTo("UNKNOWN");
        assertThat(browser.driver.findElements(By.cssSelector("#diagnosis-evidence li")))
                .isNotEmpty();
        WebElement username = browser.driver.findElement(By.id("username"));
        assertThat(username.isDisplayed()).isTrue();
        assertThat(username.getAttribute("type")).isEqualTo("text");
        assertThat(username.getAttribute("autocomplete")).isEqualTo("username");
        assertThat(username.getAttribute("value")).isEqualTo(ann);
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("password");
    }

    @Test
    @DisplayName("the calm retry has a live region and puts focus on Try again; the offer puts focus on Add a passkey")
    void liveRegionsAndFocus() {
        String bea = newIdentifier("bea");
        signUp(browser, bea);
        assertThat(activeId()).isEqualTo("add-passkey");
        assertThat(browser.driver.findElement(By.id("status")).getAttribute("role"))
                .isEqualTo("status");
        assertThat(browser.driver.findElement(By.id("passkey-error")).getAttribute("role"))
                .isEqualTo("alert");
        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        logOut(browser);
        browser.authenticator().removeAllCredentials();

        enterIdentifier(browser, bea);
        browser.await("calm-retry");
        new WebDriverWait(browser.driver, DemoBrowser.WAIT).until(d -> "try-again".equals(activeId()));
        WebElement status = browser.driver.findElement(By.id("status"));
        assertThat(status.getAttribute("aria-live")).isEqualTo("polite");
        assertThat(status.getAttribute("textContent"))
                .isEqualTo("No problem. When you are ready, try your passkey again.");
    }

    @Test
    @DisplayName(
            "after healing the broken passkey is not marked 'this device', the new one is marked 'new'; Delete asks first and each Delete button says which passkey")
    void dashboardMarkersAndDeleteConfirmation() {
        String cai = newIdentifier("cai");
        signUpWithPasskey(browser, cai);
        String oldId = browser.credentialIds().get(0);
        logOut(browser);
        browser.authenticator().removeAllCredentials();
        enterIdentifier(browser, cai);
        tryAgainThenPassword(browser);
        enterPassword(browser);
        browser.await("offer-title");
        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        browser.screenshot("dashboard-after-healing");
        String newId = browser.credentialIds().get(0);

        WebElement oldRow = row(browser, oldId);
        WebElement newRow = row(browser, newId);
        assertThat(statusOf(browser, oldId)).isEqualTo("Not working on this device");
        assertThat(oldRow.findElements(By.cssSelector(".badge.this-device"))).isEmpty();
        assertThat(newRow.findElements(By.cssSelector(".badge.this-device"))).hasSize(1);
        assertThat(newRow.findElements(By.cssSelector(".badge.new"))).hasSize(1);
        assertThat(oldRow.findElements(By.cssSelector(".badge.new"))).isEmpty();

        List<String> labels = passkeyRows(browser).stream()
                .map(r -> r.findElement(By.cssSelector("button.delete")).getAttribute("aria-label"))
                .toList();
        assertThat(labels).hasSize(2).doesNotHaveDuplicates().allMatch(l -> l.startsWith("Delete passkey "));

        oldRow.findElement(By.cssSelector("button.delete")).click();
        browser.await("confirm-delete");
        browser.screenshot("confirm-delete");
        assertThat(browser.page()).isEqualTo("confirm-delete");
        assertThat(browser.text("confirm-which")).contains("Not working on this device");
        browser.clickAndWait("cancel-delete");
        browser.await("passkeys");
        assertThat(passkeyRows(browser)).hasSize(2);

        row(browser, oldId).findElement(By.cssSelector("button.delete")).click();
        browser.await("confirm-delete");
        browser.clickAndWait("confirm-delete");
        browser.await("flash");
        assertThat(browser.text("flash")).isEqualTo("Passkey deleted.");
        assertThat(passkeyRows(browser)).hasSize(1);
        assertThat(storedPasskeys(cai)).hasSize(1);
    }

    @Test
    @DisplayName(
            "a passkey login in one tab still works while a second tab starts another sign-in for the same account")
    void twoTabs() {
        String dan = newIdentifier("dan");
        signUpWithPasskey(browser, dan);
        logOut(browser);
        // The first prompt is dismissed: the first tab waits at the calm retry.
        browser.authenticator().setUserVerified(false);
        enterIdentifier(browser, dan);
        browser.await("calm-retry");
        String firstTab = browser.driver.getWindowHandle();

        // A second tab of the same browser starts its own sign-in for the same account (which step
        // it gets is the advisor's call; what matters is that it is another flow of the same session).
        browser.driver.switchTo().newWindow(WindowType.TAB);
        String secondTab = browser.driver.getWindowHandle();
        assertThat(secondTab).as("a tab of its own").isNotEqualTo(firstTab);
        try {
            browser.go("/login");
            browser.type("identifier", dan);
            browser.clickAndWait("continue");
            assertThat(browser.driver.getCurrentUrl()).contains("/flow?f=");
            browser.screenshot("second-tab");
        } finally {
            browser.driver.close();
            browser.driver.switchTo().window(firstTab);
        }

        // Back in the first tab the person confirms the passkey: signed in, not sent to the other tab's flow.
        browser.authenticator().setUserVerified(true);
        browser.clickAndWait("try-again");
        assertOnDashboardWithPasskey(browser);
        assertThat(browser.text("who")).isEqualTo(dan);
    }

    @Test
    @DisplayName("after a declined offer the passkey that just failed says so instead of 'Active'")
    void declinedHealStatus() {
        String eve = newIdentifier("eve");
        signUpWithPasskey(browser, eve);
        String oldId = browser.credentialIds().get(0);
        logOut(browser);
        browser.authenticator().removeAllCredentials();
        enterIdentifier(browser, eve);
        tryAgainThenPassword(browser);
        enterPassword(browser);
        browser.await("offer-title");
        browser.clickAndWait("skip");
        browser.await("passkeys");
        browser.screenshot("dashboard-declined");

        assertThat(statusOf(browser, oldId)).isEqualTo("Didn't work on this device just now");
        assertThat(row(browser, oldId).findElements(By.cssSelector(".badge.this-device")))
                .isEmpty();
    }

    @Test
    @DisplayName("at 390 px wide the dashboard does not overflow sideways")
    void narrowScreen() {
        String fay = newIdentifier("fay");
        signUpWithPasskey(browser, fay);
        browser.clickAndWait("add-another");
        browser.await("offer-title");
        browser.clickAndWait("skip");
        browser.await("passkeys");
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.go("/dashboard");
        browser.screenshot("dashboard-390");

        long viewport = ((Number) js("return document.documentElement.clientWidth")).longValue();
        long content = ((Number) js("return document.documentElement.scrollWidth")).longValue();
        assertThat(viewport).isLessThanOrEqualTo(390);
        assertThat(content).isLessThanOrEqualTo(viewport);
        WebElement delete = browser.driver.findElement(By.cssSelector("button.delete"));
        assertThat(delete.getRect().getX() + delete.getRect().getWidth()).isLessThanOrEqualTo((int) viewport);
    }

    private static String footerError() {
        return browser.driver.findElement(By.id("error-log")).getAttribute("textContent");
    }

    private static String activeId() {
        return browser.driver.switchTo().activeElement().getAttribute("id");
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser.driver).executeScript(script);
    }
}
