package dev.passkeyflow.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the demo runs: where it listens, which database it uses, how hard passwords are hashed.
 *
 * <p>Read from arguments ({@code --port=8080}, {@code --jdbc-url=...}, {@code --db-user=...},
 * {@code --db-password=...}, {@code --data-dir=...}) or environment variables
 * ({@code PASSKEYFLOW_DEMO_PORT}, {@code PASSKEYFLOW_DEMO_JDBC_URL}, {@code PASSKEYFLOW_DEMO_DB_USER},
 * {@code PASSKEYFLOW_DEMO_DB_PASSWORD}, {@code PASSKEYFLOW_DEMO_DATA_DIR}); arguments win.
 *
 * @param bindHost the address the server binds to ({@code 127.0.0.1} by default)
 * @param port the port; the browser uses {@code http://localhost:PORT}
 * @param jdbcUrl a JDBC URL (e.g. PostgreSQL); {@code null} for the embedded H2 file database
 * @param dbUser the database user, if not in the URL
 * @param dbPassword the database password, if not in the URL
 * @param dataDir where the embedded H2 database file lives when no JDBC URL is given
 * @param bcryptCost the bcrypt work factor (4 to 31)
 * @param ceremonyTimeout how long the browser may take for one passkey ceremony
 */
public record DemoConfig(
        String bindHost,
        int port,
        @Nullable String jdbcUrl,
        @Nullable String dbUser,
        @Nullable String dbPassword,
        Path dataDir,
        int bcryptCost,
        Duration ceremonyTimeout) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_BCRYPT_COST = 11;
    public static final Duration DEFAULT_CEREMONY_TIMEOUT = Duration.ofMinutes(2);
    /** WebAuthn relying party id of the demo. */
    public static final String RP_ID = "localhost";

    public DemoConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(ceremonyTimeout, "ceremonyTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("bcryptCost must be between 4 and 31, was " + bcryptCost);
        }
    }

    /** The same configuration with another ceremony timeout. */
    public DemoConfig withCeremonyTimeout(Duration value) {
        return new DemoConfig(bindHost, port, jdbcUrl, dbUser, dbPassword, dataDir, bcryptCost, value);
    }

    /** The origin the browser shows, and the only one the flow accepts: {@code http://localhost:PORT}. */
    public String origin() {
        return "http://" + RP_ID + ":" + port;
    }

    /** The JDBC URL of the embedded H2 file database in {@link #dataDir()}. */
    public String h2Url() {
        return "jdbc:h2:file:" + dataDir.resolve("passkeyflow").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** A configuration for the given port and database, everything else default. */
    public static DemoConfig of(String bindHost, int port, @Nullable String jdbcUrl) {
        return new DemoConfig(
                bindHost, port, jdbcUrl, null, null, defaultDataDir(), DEFAULT_BCRYPT_COST, DEFAULT_CEREMONY_TIMEOUT);
    }

    /** Reads arguments first, then the environment. */
    public static DemoConfig from(String[] args, Map<String, String> env) {
        String port = value(args, env, "port", "PASSKEYFLOW_DEMO_PORT");
        String dataDir = value(args, env, "data-dir", "PASSKEYFLOW_DEMO_DATA_DIR");
        String cost = value(args, env, "bcrypt-cost", "PASSKEYFLOW_DEMO_BCRYPT_COST");
        return new DemoConfig(
                orDefault(value(args, env, "bind", "PASSKEYFLOW_DEMO_BIND"), "127.0.0.1"),
                port == null ? DEFAULT_PORT : parseInt("port", port),
                blankToNull(value(args, env, "jdbc-url", "PASSKEYFLOW_DEMO_JDBC_URL")),
                blankToNull(value(args, env, "db-user", "PASSKEYFLOW_DEMO_DB_USER")),
                blankToNull(value(args, env, "db-password", "PASSKEYFLOW_DEMO_DB_PASSWORD")),
                dataDir == null ? defaultDataDir() : Path.of(dataDir),
                cost == null ? DEFAULT_BCRYPT_COST : parseInt("bcrypt-cost", cost),
                DEFAULT_CEREMONY_TIMEOUT);
    }

    static Path defaultDataDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "passkeyflow-demo-data");
    }

    private static @Nullable String value(String[] args, Map<String, String> env, String option, String variable) {
        String prefix = "--" + option + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return env.get(variable);
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
        }
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
