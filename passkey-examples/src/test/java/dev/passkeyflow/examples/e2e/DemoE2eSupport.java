package dev.passkeyflow.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.examples.DemoApp;
import dev.passkeyflow.examples.DemoConfig;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * One demo server (in-memory H2, a free port on 127.0.0.1) and one browser per test class; every
 * test starts as a new person on a new device (no cookies, no storage, an empty authenticator) and
 * signs up a fresh account.
 */
abstract class DemoE2eSupport {

    static final String PASSWORD = "correct horse battery";

    static DemoApp app;
    static DemoBrowser browser;
    static String baseUrl;
    static Path screenshots;

    @BeforeAll
    static void startDemoAndBrowser(TestInfo info) {
        BrowserSupport.requireBrowser();
        int port = freePort();
        String database = "jdbc:h2:mem:e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        app = DemoApp.start(new DemoConfig(
                "127.0.0.1", port, database, null, null, BrowserSupport.buildDirectory(), 4, ceremonyTimeout(info)));
        baseUrl = "http://localhost:" + port;
        screenshots = BrowserSupport.buildDirectory()
                .resolve("e2e-screenshots")
                .resolve(info.getTestClass().orElseThrow().getSimpleName());
        browser = DemoBrowser.open(baseUrl, screenshots);
    }

    @AfterAll
    static void stopDemoAndBrowser() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            browser = null;
            if (app != null) {
                app.close();
                app = null;
            }
        }
    }

    /** Keeps a screenshot and the HTML of the page a failed test ended on. */
    @RegisterExtension
    final TestWatcher keepFailedPage = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.saveFailure("end");
            }
        }
    };

    @BeforeEach
    void newPersonOnNewDevice(TestInfo info) {
        browser.forgetEverything();
        browser.newAuthenticator();
        browser.immediateUiMode(false);
        browser.startScreenshots(info.getTestMethod().orElseThrow().getName());
    }

    // ------------------------------------------------------------------ what a person does

    static String newIdentifier(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Signs up with identifier and password; the passkey offer appears. */
    static void signUp(DemoBrowser b, String identifier) {
        b.go("/signup");
        b.type("identifier", identifier);
        b.type("password", PASSWORD);
        b.screenshot("signup");
        b.clickAndWait("sign-up");
        b.await("offer-title");
    }

    /** Signs up and accepts the offer of a passkey; lands on the dashboard. */
    static void signUpWithPasskey(DemoBrowser b, String identifier) {
        signUp(b, identifier);
        b.screenshot("passkey-offer");
        b.clickAndWait("add-passkey");
        b.await("passkeys");
        b.screenshot("dashboard-first-passkey");
    }

    static void logOut(DemoBrowser b) {
        b.clickAndWait("logout");
        b.await("identifier");
    }

    /** Types the identifier on the sign-in page and continues; what happens next is the flow's call. */
    static void enterIdentifier(DemoBrowser b, String identifier) {
        if (!"login".equals(b.page())) {
            b.go("/login");
        }
        b.type("identifier", identifier);
        b.screenshot("login");
        b.clickAndWait("continue");
    }

    /**
     * After a passkey login that failed because the passkey is gone: the demo's calm retry ("Try
     * again", which the person clicks) fails as well, and the password page appears.
     */
    static void tryAgainThenPassword(DemoBrowser b) {
        b.await("calm-retry");
        b.clickAndWait("try-again");
        b.await("fallback-message");
    }

    static void enterPassword(DemoBrowser b) {
        b.type("password", PASSWORD);
        b.clickAndWait("sign-in-password");
    }

    /** The dashboard's passkey rows. */
    static List<WebElement> passkeyRows(DemoBrowser b) {
        return b.driver.findElements(By.cssSelector("#passkeys tr.passkey"));
    }

    static WebElement row(DemoBrowser b, String credentialId) {
        return b.driver.findElement(By.cssSelector("#passkeys tr.passkey[data-credential-id='" + credentialId + "']"));
    }

    static String statusOf(DemoBrowser b, String credentialId) {
        return row(b, credentialId).findElement(By.cssSelector(".status")).getText();
    }

    // ------------------------------------------------------------------ behind the pages

    static UserAccount account(String identifier) {
        return app.storage().credentials().findUserByIdentifier(identifier).orElseThrow();
    }

    static List<StoredCredential> storedPasskeys(String identifier) {
        return app.storage().credentials().listCredentials(account(identifier).userHandle());
    }

    static List<LoginAttempt> attemptsSince(String identifier, Instant since) {
        Bytes user = account(identifier).userHandle();
        return app.storage().attempts().recentByUser(user, since, 100);
    }

    static void assertOnDashboardWithPasskey(DemoBrowser b) {
        b.await("passkeys");
        assertThat(b.text("signed-in-with")).isEqualTo("a passkey");
    }

    /** A test class may shorten the passkey ceremony timeout, e.g. to let a prompt nobody answers end. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @interface CeremonyTimeoutSeconds {
        int value();
    }

    private static Duration ceremonyTimeout(TestInfo info) {
        CeremonyTimeoutSeconds shorter = info.getTestClass().orElseThrow().getAnnotation(CeremonyTimeoutSeconds.class);
        return shorter == null ? DemoConfig.DEFAULT_CEREMONY_TIMEOUT : Duration.ofSeconds(shorter.value());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
