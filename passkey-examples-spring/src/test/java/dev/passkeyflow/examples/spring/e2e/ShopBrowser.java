package dev.passkeyflow.examples.spring.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * One headless Chromium with a WebAuthn virtual authenticator (a platform authenticator with user
 * verification whose passkeys are synced), driven like a person would. Adapted from the Javalin
 * demo's test helpers (passkey-examples publishes no test jar); nothing is downloaded: Chromium and
 * ChromeDriver come from {@code PASSKEYFLOW_CHROMIUM} / {@code PASSKEYFLOW_CHROMEDRIVER} or /usr/bin.
 */
final class ShopBrowser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    final ChromeDriver driver;
    final String baseUrl;
    private final Path userDataDir;
    private final Path screenshotDir;
    private VirtualAuthenticator authenticator;
    private String shotPrefix = "test";
    private int shotNumber;

    private ShopBrowser(ChromeDriver driver, String baseUrl, Path userDataDir, Path screenshotDir) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.userDataDir = userDataDir;
        this.screenshotDir = screenshotDir;
    }

    static Path chromium() {
        return Path.of(env("PASSKEYFLOW_CHROMIUM", "/usr/bin/chromium"));
    }

    static Path chromedriver() {
        return Path.of(env("PASSKEYFLOW_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    /** Skips the calling test class without a browser, except on CI where that is a failure. */
    static void requireBrowser() {
        boolean present = Files.isExecutable(chromium()) && Files.isExecutable(chromedriver());
        String message = "end-to-end tests need Chromium at " + chromium() + " and ChromeDriver at " + chromedriver();
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + message);
        }
        assumeTrue(present, "skipped: " + message);
    }

    static Path buildDirectory() {
        String configured = System.getProperty("project.build.directory");
        return Path.of(configured == null || configured.isBlank() ? "target" : configured);
    }

    static ShopBrowser open(String baseUrl, Path screenshotDir) {
        Path userDataDir;
        try {
            userDataDir = Files.createTempDirectory("passkeyflow-spring-e2e-chrome");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=900,800",
                "--user-data-dir=" + userDataDir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort()
                .build();
        ShopBrowser browser = new ShopBrowser(new ChromeDriver(service, options), baseUrl, userDataDir, screenshotDir);
        browser.newAuthenticator();
        return browser;
    }

    /** Replaces the virtual authenticator by a new, empty one. */
    void newAuthenticator() {
        if (authenticator != null) {
            driver.removeVirtualAuthenticator(authenticator);
        }
        authenticator = driver.addVirtualAuthenticator(new SyncedAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
    }

    /** ChromeDriver takes the backup flags, for which Selenium has no setters, from the options map. */
    private static final class SyncedAuthenticatorOptions extends VirtualAuthenticatorOptions {
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new HashMap<>(super.toMap());
            map.put("defaultBackupEligibility", true);
            map.put("defaultBackupState", true);
            return map;
        }
    }

    /**
     * With {@code false} the virtual authenticator leaves requests unanswered, as a person who
     * does not touch the sensor or pick a suggestion; Chromium answers a conditional request by
     * itself otherwise.
     */
    void automaticPresence(boolean enabled) {
        driver.executeCdpCommand(
                "WebAuthn.setAutomaticPresenceSimulation",
                Map.of("authenticatorId", authenticator.getId(), "enabled", enabled));
    }

    /** Where the login page's passkey autofill is ({@code data-autofill-state}), or {@code null}. */
    String autofillState() {
        return (String)
                ((JavascriptExecutor) driver)
                        .executeScript(
                                "const r = document.getElementById('passkeyflow'); return r ? r.dataset.autofillState ?? null : null;");
    }

    /** Where the page's silent passkey creation is ({@code data-silent-state}), or {@code null}. */
    String silentState() {
        return (String)
                ((JavascriptExecutor) driver)
                        .executeScript(
                                "const r = document.getElementById('passkeyflow'); return r ? r.dataset.silentState ?? null : null;");
    }

    /** Whether this Chromium reports {@code getClientCapabilities().conditionalCreate}. */
    boolean reportsConditionalCreate() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver)
                .executeScript("return PublicKeyCredential.getClientCapabilities"
                        + " ? PublicKeyCredential.getClientCapabilities().then(c => !!c.conditionalCreate) : false"));
    }

    void awaitAutofillState(String state) {
        patiently().until(d -> state.equals(autofillState()));
    }

    VirtualAuthenticator authenticator() {
        return authenticator;
    }

    List<String> credentialIds() {
        List<String> ids = new ArrayList<>();
        authenticator
                .getCredentials()
                .forEach(c -> ids.add(Base64.getUrlEncoder().withoutPadding().encodeToString(c.getId())));
        return ids;
    }

    /** Forgets cookies and storage: a person arriving fresh on this device. */
    void forgetEverything() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        go("/login");
        ((JavascriptExecutor) driver).executeScript("localStorage.clear(); sessionStorage.clear();");
    }

    void go(String path) {
        driver.get(baseUrl + path);
    }

    /** Waits until the passkeyflow part of the login page shows this view (identifier, passkey, password, offer). */
    void awaitView(String view) {
        patiently()
                .until(d -> view.equals(((JavascriptExecutor) d)
                        .executeScript(
                                "const r = document.getElementById('passkeyflow'); return r && r.dataset.view;")));
    }

    String view() {
        return (String) ((JavascriptExecutor) driver)
                .executeScript(
                        "const r = document.getElementById('passkeyflow'); return r ? r.dataset.view ?? null : null;");
    }

    WebElement await(String id) {
        return patiently().until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    void click(String id) {
        patiently().until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    void type(String id, String text) {
        WebElement field = patiently().until(ExpectedConditions.elementToBeClickable(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    boolean has(String id) {
        return !driver.findElements(By.id(id)).isEmpty();
    }

    private WebDriverWait patiently() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(WebDriverException.class);
        return wait;
    }

    void startScreenshots(String prefix) {
        this.shotPrefix = prefix;
        this.shotNumber = 0;
    }

    void screenshot(String label) {
        Path file = screenshotDir.resolve(String.format("%s-%02d-%s.png", shotPrefix, ++shotNumber, label));
        try {
            Files.createDirectories(screenshotDir);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void saveFailure() {
        try {
            screenshot("FAILED");
            Files.writeString(screenshotDir.resolve(shotPrefix + "-FAILED.html"), driver.getPageSource());
        } catch (RuntimeException | IOException e) {
            // the browser may be gone; the test's own failure is what matters
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(userDataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind does no harm
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
