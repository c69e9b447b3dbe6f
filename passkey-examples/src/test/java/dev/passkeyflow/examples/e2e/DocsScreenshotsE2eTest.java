package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Makes the screenshots of README and passkey-examples/README.md ({@code docs/screenshots/*.png})
 * from the running demo, and checks on each page that it shows what the caption says.
 *
 * <p>Every run writes them to {@code target/e2e-screenshots/DocsScreenshotsE2eTest/docs/}; with
 * {@code -Dpasskeyflow.screenshots.dir=DIR} they are copied to {@code DIR} as well, which is how
 * {@code scripts/screenshots} refreshes {@code docs/screenshots}.
 */
@DisplayName("The documentation's screenshots, taken from the running demo")
class DocsScreenshotsE2eTest extends DemoE2eSupport {

    private static final String MAC_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    @Test
    @DisplayName(
            "sign-in, the password fallback with its diagnosis, the healing offer, the dashboard, the passkey settings and the insights")
    void takeTheScreenshots() {
        browser.pretendPlatform(MAC_UA, "macOS", "15.0.0", false);
        String alice = "alice@example.com";
        signUpWithPasskey(browser, alice);
        logOut(browser);
        // A passkey login first, so that the insights have more than one flow to draw.
        enterIdentifier(browser, alice);
        assertOnDashboardWithPasskey(browser);
        logOut(browser);
        String oldId = browser.credentialIds().get(0);
        // The passkey is deleted from this Mac's passkey store.
        browser.authenticator().removeCredential(Base64.getUrlDecoder().decode(oldId));

        browser.type("identifier", alice);
        save("login");
        browser.clickAndWait("continue");
        tryAgainThenPassword(browser);
        assertThat(browser.has("diagnosis"))
                .as("the diagnosis box on the password page")
                .isTrue();
        assertThat(browser.text("fallback-message")).contains("passkey didn't work");
        save("fallback");

        enterPassword(browser);
        // Chromium's virtual authenticator leaves the silent creation pending: the page gives up and
        // shows the explicit offer.
        browser.await("offer-title");
        browser.waitReady();
        assertThat(browser.text("offer-text")).contains("iCloud Keychain").contains("Touch ID");
        save("healing-offer");

        browser.clickAndWait("add-passkey");
        browser.await("passkeys");
        assertThat(passkeyRows(browser)).hasSize(2);
        assertThat(statusOf(browser, oldId)).isEqualTo("Not working on this device");
        save("dashboard");

        browser.clickAndWait("passkey-settings-link");
        browser.await("managed-passkeys");
        assertThat(browser.page()).isEqualTo("passkey-settings");
        assertThat(browser.driver.findElements(By.cssSelector("tr.managed-passkey")))
                .hasSize(2);
        save("passkey-settings");

        browser.driver.get(baseUrl + "/insights");
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("chart-silent")));
        assertThat(browser.text("rate-passkey-login")).isEqualTo("50 %");
        assertThat(browser.text("rate-heal-completion")).isEqualTo("100 %");
        save("insights");
    }

    /** The viewport as {@code NAME.png}, in the build directory and, if asked for, in the docs. */
    private static void save(String name) {
        Path shot = browser.screenshot(name);
        Path docs = screenshots.resolve("docs").resolve(name + ".png");
        String target = System.getProperty("passkeyflow.screenshots.dir", "");
        try {
            Files.createDirectories(docs.getParent());
            Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
            if (!target.isBlank()) {
                Path dir = Path.of(target);
                Files.createDirectories(dir);
                Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(docs).as("screenshot " + name).isNotEmptyFile();
    }
}
