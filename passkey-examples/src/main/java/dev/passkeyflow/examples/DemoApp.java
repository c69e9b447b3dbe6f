package dev.passkeyflow.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.manage.PasskeyManager;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.IntelligenceEvent;
import dev.passkeyflow.intelligence.IntelligenceListener;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.micrometer.IntelligenceMetrics;
import dev.passkeyflow.micrometer.PasskeyFlowMetrics;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passkeyflow demo: a web application on an embedded Javalin (Jetty) server.
 *
 * <pre>
 *   scripts/demo                                   # http://localhost:8080, embedded H2
 *   scripts/demo --port=9090
 *   PASSKEYFLOW_DEMO_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/app?user=app scripts/demo
 * </pre>
 */
public final class DemoApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);

    private final DemoConfig config;
    private final HikariDataSource dataSource;
    private final JdbcStorage storage;
    private final Javalin server;
    private final String database;

    private DemoApp(
            DemoConfig config, HikariDataSource dataSource, JdbcStorage storage, Javalin server, String database) {
        this.config = config;
        this.dataSource = dataSource;
        this.storage = storage;
        this.server = server;
        this.database = database;
    }

    public static void main(String[] args) {
        DemoConfig config = DemoConfig.from(args, System.getenv());
        DemoApp app;
        try {
            app = start(config);
        } catch (PortInUseException e) {
            // scripts/demo runs Maven quietly: this line must stand on its own.
            System.err.println();
            System.err.println("passkeyflow demo: " + e.getMessage());
            System.err.println();
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "passkeyflow-demo-shutdown"));
        System.out.println();
        System.out.println("passkeyflow demo running at " + config.origin());
        System.out.println("  open exactly this address: passkeys belong to 'localhost', so 127.0.0.1 is sent there");
        System.out.println("  database: " + app.database);
        System.out.println("  login insights: " + config.origin() + "/insights");
        System.out.println("  stop with Ctrl+C");
        System.out.println();
    }

    /**
     * Wires storage, the login flow and the web layer, and starts the server.
     *
     * @throws PortInUseException when the port is taken (the message says how to choose another)
     */
    public static DemoApp start(DemoConfig config) {
        String database = database(config);
        HikariDataSource dataSource = new HikariDataSource(pool(config));
        try {
            Clock clock = Clock.systemUTC();
            FlowInsights insights = new FlowInsights();
            JdbcStorage storage = JdbcStorage.builder()
                    .dataSource(dataSource)
                    .initializeSchema(true)
                    .clock(clock)
                    .build();
            CredentialRepository credentials = storage.credentials();
            // Metrics and KPIs (docs/metrics.md): a real host passes its own MeterRegistry.
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            PasskeyFlowMetrics metrics = new PasskeyFlowMetrics(meters);
            DemoInsights kpis = new DemoInsights(meters);
            LoginFlow flow = metrics.instrument(LoginFlow.builder()
                    .rpId(DemoConfig.RP_ID)
                    .rpName("passkeyflow demo")
                    .origin(config.origin())
                    .ceremonyTimeout(config.ceremonyTimeout())
                    .credentialRepository(credentials)
                    .loginAttemptRepository(storage.attempts())
                    .flowStateRepository(storage.flows())
                    .passkeyEventRepository(storage.events())
                    .advisor(advisor(credentials, storage.attempts(), new IntelligenceMetrics(meters)))
                    .identifierNormalizer(Accounts::normalize)
                    .clock(clock)
                    .listener(metrics)
                    .listener(kpis)
                    .listener(insights)
                    .build());
            Accounts accounts = new Accounts(dataSource, credentials, config.bcryptCost());
            PasskeyManager manager = PasskeyManager.builder()
                    .rpId(DemoConfig.RP_ID)
                    .credentialRepository(credentials)
                    .loginAttemptRepository(storage.attempts())
                    .loginFlow(flow)
                    .providerNames(PasskeyProviders.standard()::nameOf)
                    .clock(clock)
                    .listener(event -> LOG.info(
                            "passkey settings event: {}", event.getClass().getSimpleName()))
                    .build();
            Javalin server = new DemoWeb(flow, credentials, accounts, insights, config.origin(), clock)
                    .withModes(new ModesWeb(flow, manager))
                    .create();
            kpis.route(server);
            try {
                server.start(config.bindHost(), config.port());
            } catch (JavalinBindException e) {
                server.stop();
                throw new PortInUseException(config.port());
            }
            return new DemoApp(config, dataSource, storage, server, database);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Where the data lives, in words (a password in the URL masked). */
    private static String database(DemoConfig config) {
        String jdbcUrl = config.jdbcUrl();
        return jdbcUrl == null
                ? "embedded H2 file "
                        + config.dataDir().resolve("passkeyflow.mv.db").toAbsolutePath()
                : jdbcUrl.replaceAll("password=[^&;]*", "password=***");
    }

    /** The connection pool's settings; the embedded database's directory is made when no URL is given. */
    private static HikariConfig pool(DemoConfig config) {
        String jdbcUrl = config.jdbcUrl();
        HikariConfig pool = new HikariConfig();
        if (jdbcUrl == null) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + config.dataDir(), e);
            }
            jdbcUrl = config.h2Url();
        }
        pool.setJdbcUrl(jdbcUrl);
        if (config.dbUser() != null) {
            pool.setUsername(config.dbUser());
        }
        if (config.dbPassword() != null) {
            pool.setPassword(config.dbPassword());
        }
        pool.setMaximumPoolSize(8);
        pool.setPoolName("passkeyflow-demo");
        return pool;
    }

    /**
     * Passkey Intelligence decides when to try a passkey, when to fall back and when to heal, from
     * the same repositories the flow writes its history to. With its default policy, as a host
     * should start: e.g. it falls back at once when the passkey is evidently gone from this device.
     */
    static LoginAdvisor advisor(
            CredentialRepository credentials, LoginAttemptRepository attempts, IntelligenceListener metrics) {
        return PasskeyIntelligence.builder()
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .listener(metrics)
                .policy(AutoHealingPolicy.ofDefaults())
                .providers(PasskeyProviders.standard())
                // Why an offer was or was not made, for people trying the demo (tags only, no secrets).
                .listener(event -> {
                    if (event instanceof IntelligenceEvent.HealingAdvised advised) {
                        LOG.info(
                                "passkey offer advice: {} {}",
                                advised.decision() instanceof HealingDecision.Offer offer ? offer.kind() : "no offer",
                                advised.decision().tagTexts());
                    }
                })
                .build();
    }

    /** The demo's port is taken by another program. */
    public static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(int port) {
            super("port " + port + " is already in use by another program. Stop that program, or start the demo "
                    + "on another port: scripts/demo --port=" + (port == 65535 ? 8081 : port + 1));
        }
    }

    public DemoConfig config() {
        return config;
    }

    /** The storage the demo runs on (tests use it to look behind the pages). */
    public JdbcStorage storage() {
        return storage;
    }

    /** The web server (tests compare its routes with docs/openapi.yaml). */
    Javalin server() {
        return server;
    }

    /** Where the demo keeps its data, in words. */
    public String database() {
        return database;
    }

    @Override
    public void close() {
        server.stop();
        dataSource.close();
    }
}
