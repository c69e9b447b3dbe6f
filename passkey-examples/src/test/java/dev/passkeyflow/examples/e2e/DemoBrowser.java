package dev.passkeyflow.examples.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * One headless Chromium with a WebAuthn virtual authenticator (a platform authenticator with
 * user verification), driven like a person would: typing, clicking, reading the page.
 */
final class DemoBrowser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    final ChromeDriver driver;
    final String baseUrl;
    private final Path userDataDir;
    private final Path screenshotDir;
    private VirtualAuthenticator authenticator;
    private String hookScriptId;
    private String capabilityScriptId;
    private int shotNumber;
    private String shotPrefix = "test";

    private DemoBrowser(ChromeDriver driver, String baseUrl, Path userDataDir, Path screenshotDir) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.userDataDir = userDataDir;
        this.screenshotDir = screenshotDir;
    }

    static DemoBrowser open(String baseUrl, Path screenshotDir) {
        Path userDataDir;
        try {
            userDataDir = Files.createTempDirectory("passkeyflow-e2e-chrome");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserSupport.chromium().toString());
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
                "--window-size=1000,860",
                "--user-data-dir=" + userDataDir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserSupport.chromedriver().toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        DemoBrowser browser = new DemoBrowser(driver, baseUrl, userDataDir, screenshotDir);
        browser.newAuthenticator();
        // A browser without immediate UI mode unless a test asks for it (ImmediateModeE2eTest): the
        // modal path with its calm retry is what most browsers run today.
        browser.immediateUiMode(false);
        return browser;
    }

    // ------------------------------------------------------------------ the authenticator

    /**
     * Replaces the virtual authenticator by a new, empty one (e.g. the passkey store of another
     * cloud account). It is a platform authenticator with user verification whose passkeys are
     * synced (backup eligible and backed up), like a platform's password manager.
     */
    VirtualAuthenticator newAuthenticator() {
        for (VirtualAuthenticator extra : new java.util.ArrayList<>(roaming)) {
            removeRoaming(extra);
        }
        if (authenticator != null) {
            driver.removeVirtualAuthenticator(authenticator);
        }
        authenticator = driver.addVirtualAuthenticator(new SyncedAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
        return authenticator;
    }

    /** A phone reached over hybrid (CDP transport {@code cable}), with synced passkeys like a phone's. */
    private static final class PhoneAuthenticatorOptions extends VirtualAuthenticatorOptions {
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new java.util.HashMap<>(super.toMap());
            map.put("transport", "cable");
            map.put("defaultBackupEligibility", true);
            map.put("defaultBackupState", true);
            return map;
        }
    }

    /** ChromeDriver takes the backup flags, for which Selenium has no setters, from the options map. */
    private static final class SyncedAuthenticatorOptions extends VirtualAuthenticatorOptions {
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new java.util.HashMap<>(super.toMap());
            map.put("defaultBackupEligibility", true);
            map.put("defaultBackupState", true);
            return map;
        }
    }

    VirtualAuthenticator authenticator() {
        return authenticator;
    }

    private final java.util.List<VirtualAuthenticator> roaming = new java.util.ArrayList<>();

    /**
     * Adds a roaming CTAP2 authenticator on the hybrid transport (CDP's {@code cable}; Selenium's
     * enum lacks it, so it is set in the options map) beside the platform one: the browser reports
     * {@code authenticatorAttachment: "cross-platform"} for its assertions, as for a phone over
     * hybrid (QR), which WebDriver cannot drive. Removed by {@link #removeRoaming} or the next
     * {@link #newAuthenticator()}.
     */
    VirtualAuthenticator addRoamingAuthenticator() {
        VirtualAuthenticator added = driver.addVirtualAuthenticator(new PhoneAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.USB)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
        roaming.add(added);
        return added;
    }

    /** Detaches the platform authenticator (e.g. to create a passkey on a roaming one alone). */
    void removePlatformAuthenticator() {
        if (authenticator != null) {
            driver.removeVirtualAuthenticator(authenticator);
            authenticator = null;
        }
    }

    /** Attaches a new, empty platform authenticator beside any roaming ones. */
    VirtualAuthenticator addPlatformAuthenticator() {
        removePlatformAuthenticator();
        authenticator = driver.addVirtualAuthenticator(new SyncedAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
        return authenticator;
    }

    void removeRoaming(VirtualAuthenticator which) {
        if (roaming.remove(which)) {
            driver.removeVirtualAuthenticator(which);
        }
    }

    /**
     * Whether the authenticator answers by itself as if the person confirmed at once (the default);
     * without it a prompt stays open until the ceremony times out, as when nobody responds.
     */
    void automaticPresence(boolean enabled) {
        driver.executeCdpCommand(
                "WebAuthn.setAutomaticPresenceSimulation",
                Map.of("authenticatorId", authenticator.getId(), "enabled", enabled));
    }

    /**
     * Makes the pages of this browser report a {@code NotAllowedError} from {@code get()} no sooner
     * than {@code after} once the prompt opened, as a real browser does when the person dismisses
     * its sheet then (the test hook in {@code passkeyflow.js}); {@link Duration#ZERO} turns it off.
     * It applies to the current page and to every page loaded later.
     */
    void reportNotAllowedErrorAfter(Duration after) {
        if (hookScriptId != null) {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", hookScriptId));
            hookScriptId = null;
        }
        String source = after.isZero()
                ? "delete window.passkeyflowTestHooks;"
                : "window.passkeyflowTestHooks = { notAllowedErrorAfterMillis: " + after.toMillis() + " };";
        if (!after.isZero()) {
            hookScriptId =
                    (String) driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
                            .get("identifier");
        }
        ((JavascriptExecutor) driver).executeScript(source);
    }

    /**
     * Whether the pages of this browser see immediate UI mode in {@code getClientCapabilities()}
     * (Chromium 156 reports {@code immediateGet}). Off, they behave like a browser without it
     * (Safari, Firefox today), and the demo's sign-in runs its modal path. Either way every
     * {@code navigator.credentials.get()} records its {@code uiMode} (or its mediation, {@code modal}
     * when neither), so that a test can tell which one ran ({@link #uiModesUsed}). For the current
     * page and every page loaded later.
     */
    void immediateUiMode(boolean reported) {
        if (capabilityScriptId != null) {
            driver.executeCdpCommand(
                    "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", capabilityScriptId));
        }
        String source = """
                (() => {
                  const pkc = window.PublicKeyCredential;
                  if (!pkc || !navigator.credentials) return;
                  const get = navigator.credentials.get.bind(navigator.credentials);
                  navigator.credentials.get = (options) => {
                    const used = JSON.parse(localStorage.getItem('pkf-test-uimodes') || '[]');
                    used.push(options && options.uiMode ? options.uiMode : (options && options.mediation) || 'modal');
                    localStorage.setItem('pkf-test-uimodes', JSON.stringify(used));
                    return get(options);
                  };
                  if (%s || typeof pkc.getClientCapabilities !== 'function') return;
                  const capabilities = pkc.getClientCapabilities.bind(pkc);
                  pkc.getClientCapabilities = async () => {
                    const reported = await capabilities();
                    delete reported.immediateGet;
                    return reported;
                  };
                })();
                """.formatted(reported);
        capabilityScriptId =
                (String) driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
                        .get("identifier");
    }

    /** The {@code uiMode} (or mediation) of every {@code get()} since this browser forgot everything. */
    String uiModesUsed() {
        Object used =
                ((JavascriptExecutor) driver).executeScript("return localStorage.getItem('pkf-test-uimodes') || '[]'");
        return String.valueOf(used);
    }

    List<Credential> credentials() {
        return authenticator.getCredentials();
    }

    List<String> credentialIds() {
        List<String> ids = new ArrayList<>();
        for (Credential credential : credentials()) {
            ids.add(Base64.getUrlEncoder().withoutPadding().encodeToString(credential.getId()));
        }
        return ids;
    }

    // ------------------------------------------------------------------ the user agent

    /** Makes the browser look like another platform: UA string and UA client hints. */
    void pretendPlatform(String userAgent, String platform, String platformVersion, boolean mobile) {
        driver.executeCdpCommand(
                "Emulation.setUserAgentOverride",
                Map.of(
                        "userAgent", userAgent,
                        "platform", platform,
                        "userAgentMetadata",
                                Map.of(
                                        "brands",
                                        List.of(
                                                Map.of("brand", "Chromium", "version", "156"),
                                                Map.of("brand", "Google Chrome", "version", "156")),
                                        "platform",
                                        platform,
                                        "platformVersion",
                                        platformVersion,
                                        "architecture",
                                        mobile ? "arm" : "x86",
                                        "model",
                                        mobile ? "Phone" : "",
                                        "mobile",
                                        mobile)));
    }

    // ------------------------------------------------------------------ pages

    /** Forgets cookies and storage: a person arriving fresh on this device keeps nothing. */
    void forgetEverything() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        go("/login");
        ((JavascriptExecutor) driver).executeScript("localStorage.clear(); sessionStorage.clear();");
    }

    void go(String path) {
        driver.get(baseUrl + path);
        waitReady();
    }

    private static final String READY = "return document.readyState === 'complete' && !!document.body"
            + " && document.body.dataset.ready === 'yes' && window.passkeyflowLeft !== true";

    /** Waits until the page's script has wired everything. */
    void waitReady() {
        patiently().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(READY)));
    }

    /** Waits until an element with this id is on a page whose script is ready. */
    WebElement await(String id) {
        patiently().until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
        waitReady();
        return driver.findElement(By.id(id));
    }

    /**
     * Clicks and waits for the next page to be loaded and ready. The current page is marked first;
     * the next page is the first ready one without the mark.
     */
    void clickAndWait(String id) {
        ((JavascriptExecutor) driver).executeScript("window.passkeyflowLeft = true;");
        driver.findElement(By.id(id)).click();
        waitReady();
    }

    /** A wait that rides over the moments when a page is being replaced. */
    private WebDriverWait patiently() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(WebDriverException.class);
        return wait;
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

    String page() {
        return driver.findElement(By.tagName("body")).getAttribute("data-page");
    }

    /** The Signal API calls the current page made, as it notes them. */
    String signalsMade() {
        String value = driver.findElement(By.tagName("body")).getAttribute("data-signals");
        return value == null ? "" : value;
    }

    // ------------------------------------------------------------------ screenshots

    void startScreenshots(String prefix) {
        this.shotPrefix = prefix;
        this.shotNumber = 0;
    }

    /** Saves a screenshot of the page under the build directory. */
    Path screenshot(String label) {
        Path file = screenshotDir.resolve(String.format("%s-%02d-%s.png", shotPrefix, ++shotNumber, label));
        try {
            Files.createDirectories(screenshotDir);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Saves a screenshot and the page's HTML, for a test that failed. */
    void saveFailure(String label) {
        try {
            screenshot("FAILED-" + label);
            Files.writeString(screenshotDir.resolve(shotPrefix + "-FAILED-" + label + ".html"), driver.getPageSource());
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
}
