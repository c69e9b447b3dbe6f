package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the PostgreSQL tests find their server: the JDBC URL in {@value #URL_VARIABLE}, e.g.
 * {@code jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres} ({@code scripts/test} starts a
 * throw-away server and sets it).
 *
 * <p>Without it the PostgreSQL tests are skipped, except when {@code CI=true}: there a missing
 * server fails the build, so that CI can never pass without having run them.
 */
final class PostgresTestSupport {

    static final String URL_VARIABLE = "PASSKEYFLOW_TEST_PG_URL";

    private PostgresTestSupport() {}

    /** The server's JDBC URL; skips the calling test (fails it on CI) when none is configured. */
    static String requireUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return url;
        }
        String message = URL_VARIABLE + " is not set, so there is no PostgreSQL server to test against"
                + " (run scripts/test, or set it to e.g. jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true requires the PostgreSQL tests to run: " + message);
        }
        Assumptions.abort("PostgreSQL tests skipped: " + message);
        throw new AssertionError("unreachable");
    }
}
