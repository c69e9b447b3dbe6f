package dev.passkeyflow.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.manage.PasskeyManager;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.IntelligenceEvent;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import io.javalin.Javalin;
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

    private DemoApp(DemoConfig config, HikariDataSource dataSource, JdbcStorage storage, Javalin server,
            String database) {
        this.config = config;
        this.dataSource = dataSource;
        this.storage = storage;
        this.server = server;
        this.database = database;
    }

    public static void main(String[] args) {
        DemoConfig config = DemoConfig.from(args, System.getenv());
        DemoApp app = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "passkeyflow-demo-shutdown"));
        System.out.println();
        System.out.println("passkeyflow demo running at " + config.origin());
        System.out.println("  database: " + app.database);
        System.out.println("  stop with Ctrl+C");
        System.out.println();
    }

    /** Wires storage, the login flow and the web layer, and starts the server. */
    public static DemoApp start(DemoConfig config) {
        String jdbcUrl = config.jdbcUrl();
        String database;
        HikariConfig pool = new HikariConfig();
        if (jdbcUrl == null) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + config.dataDir(), e);
            }
            jdbcUrl = config.h2Url();
            database = "embedded H2 file " + config.dataDir().resolve("passkeyflow.mv.db").toAbsolutePath();
        } else {
            database = jdbcUrl.replaceAll("password=[^&;]*", "password=***");
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
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            Clock clock = Clock.systemUTC();
            JdbcStorage storage = JdbcStorage.builder().dataSource(dataSource).initializeSchema(true).clock(clock)
                    .build();
            CredentialRepository credentials = storage.credentials();
            LoginFlow flow = LoginFlow.builder()
                    .rpId(DemoConfig.RP_ID)
                    .rpName("passkeyflow demo")
                    .origin(config.origin())
                    .ceremonyTimeout(config.ceremonyTimeout())
                    .credentialRepository(credentials)
                    .loginAttemptRepository(storage.attempts())
                    .flowStateRepository(storage.flows())
                    .passkeyEventRepository(storage.events())
                    .advisor(advisor(credentials, storage.attempts()))
                    .identifierNormalizer(Accounts::normalize)
                    .clock(clock)
                    .listener(event -> LOG.info("flow event: {}", event.getClass().getSimpleName()))
                    .build();
            Accounts accounts = new Accounts(dataSource, credentials, config.bcryptCost());
            PasskeyManager manager = PasskeyManager.builder().rpId(DemoConfig.RP_ID).credentialRepository(credentials)
                    .loginAttemptRepository(storage.attempts()).loginFlow(flow)
                    .providerNames(PasskeyProviders.standard()::nameOf).clock(clock)
                    .listener(event -> LOG.info("passkey settings event: {}", event.getClass().getSimpleName()))
                    .build();
            Javalin server = new DemoWeb(flow, credentials, accounts, clock)
                    .withModes(new ModesWeb(flow, manager)).create();
            server.start(config.bindHost(), config.port());
            return new DemoApp(config, dataSource, storage, server, database);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Passkey Intelligence decides when to try a passkey, when to fall back and when to heal, from
     * the same repositories the flow writes its history to.
     */
    static LoginAdvisor advisor(CredentialRepository credentials, LoginAttemptRepository attempts) {
        return PasskeyIntelligence.builder()
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                // The demo always grants one calm retry, so that people trying it see the "Try
                // again" step even when the evidence says the passkey is gone from this device
                // (it worked here before and now fails at once). A production host may keep the
                // default (true), which skips that retry and saves the user a prompt bound to fail.
                .policy(AutoHealingPolicy.custom()
                        .fallBackAtOnceWhenPasskeyAbsent(false)
                        .build())
                .providers(PasskeyProviders.standard())
                // Why an offer was or was not made, for people trying the demo (tags only, no secrets).
                .listener(event -> {
                    if (event instanceof IntelligenceEvent.HealingAdvised advised) {
                        LOG.info("passkey offer advice: {} {}", advised.decision().offer(), advised.decision().tags());
                    }
                })
                .build();
    }

    public DemoConfig config() {
        return config;
    }

    /** The storage the demo runs on (tests use it to look behind the pages). */
    public JdbcStorage storage() {
        return storage;
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
