package dev.passkeyflow.examples.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Chromium and ChromeDriver are: {@code PASSKEYFLOW_CHROMIUM} / {@code PASSKEYFLOW_CHROMEDRIVER}
 * (exported by {@code scripts/test}), else {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}.
 * Nothing is ever downloaded: Selenium Manager never runs because both paths are given.
 */
final class BrowserSupport {

    private BrowserSupport() {}

    static Path chromium() {
        return Path.of(env("PASSKEYFLOW_CHROMIUM", "/usr/bin/chromium"));
    }

    static Path chromedriver() {
        return Path.of(env("PASSKEYFLOW_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    /** Skips the calling test class without a browser, except on CI where that is a failure. */
    static void requireBrowser() {
        boolean present = Files.isExecutable(chromium()) && Files.isExecutable(chromedriver());
        String message = "end-to-end tests need Chromium at " + chromium() + " and ChromeDriver at " + chromedriver()
                + " (set PASSKEYFLOW_CHROMIUM / PASSKEYFLOW_CHROMEDRIVER, or run scripts/test, which installs them)";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + message);
        }
        if (!present) {
            System.err.println("passkeyflow e2e: skipped: " + message);
        }
        assumeTrue(present, "skipped: " + message);
    }

    /** The build directory (surefire passes it), or ./target. */
    static Path buildDirectory() {
        String configured = System.getProperty("project.build.directory");
        return Path.of(configured == null || configured.isBlank() ? "target" : configured);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
