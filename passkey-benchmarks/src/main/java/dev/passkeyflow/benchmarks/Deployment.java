package dev.passkeyflow.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.OfferCooldowns;
import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.authenticator.SignatureCounter;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One {@link LoginFlow} over one storage, as a host would deploy it, plus the accounts the
 * benchmarks log in with. Not thread-safe to build; the flow and repositories it holds are.
 */
final class Deployment implements AutoCloseable {

    static final String RP_ID = "example.com";
    static final String ORIGIN = "https://example.com";
    static final String PG_URL_ENV = "PASSKEYFLOW_BENCH_PG_URL";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final LoginFlow flow;
    final CredentialRepository credentials;
    final LoginAttemptRepository attempts;
    final FlowStateRepository flows;
    private final @Nullable Runnable close;
    private final AtomicInteger accounts = new AtomicInteger();
    /** Counts the database round trips of a JDBC deployment; null in memory. */
    final @Nullable RoundTripCounter roundTrips;

    private Deployment(
            CredentialRepository credentials,
            LoginAttemptRepository attempts,
            FlowStateRepository flows,
            Advisors.Factory advisor,
            @Nullable Runnable close) {
        this(credentials, attempts, flows, advisor, close, null, null, null);
    }

    private Deployment(
            CredentialRepository credentials,
            LoginAttemptRepository attempts,
            FlowStateRepository flows,
            Advisors.Factory advisor,
            @Nullable Runnable close,
            @Nullable ThrottleRepository throttles,
            @Nullable AtomicStepRepository steps,
            @Nullable RoundTripCounter roundTrips) {
        this.credentials = credentials;
        this.attempts = attempts;
        this.flows = flows;
        this.close = close;
        this.roundTrips = roundTrips;
        LoginFlow.Builder builder = LoginFlow.builder()
                .rpId(RP_ID)
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(flows)
                .advisor(advisor.create(credentials, attempts))
                // The throttle's counting runs on every start as in production; its limits are out of
                // reach so that a benchmark's thousands of logins per second are never refused.
                .throttle(LoginThrottle.custom()
                        .maxStartsPerIdentifier(LoginThrottle.MAX_LIMIT)
                        .maxStartsPerDevice(LoginThrottle.MAX_LIMIT)
                        .build())
                // The offer cooldowns are read and written on every offer as in production; the
                // after-error kind's unanswered limit is out of reach, so that HealBenchmark's
                // thousands of unanswered offers to one account are never suppressed.
                .offerCooldowns(OfferCooldowns.ofDefaults()
                        .with(
                                HealingKind.AFTER_ERROR,
                                new OfferCooldowns.Rule(
                                        Duration.ZERO,
                                        Duration.ZERO,
                                        100,
                                        Duration.ofMillis(1),
                                        OfferCooldowns.Scope.ACCOUNT)));
        if (throttles != null) {
            builder.throttleRepository(throttles);
        }
        if (steps != null) {
            builder.atomicStepRepository(steps);
        }
        this.flow = builder.build();
    }

    /** The in-memory repositories of passkey-storage-spi with their default bounds. */
    static Deployment inMemory(Advisors.Factory advisor) {
        Clock clock = Clock.systemUTC();
        return inMemory(advisor, new InMemoryLoginAttemptRepository(clock));
    }

    /** As {@link #inMemory(Advisors.Factory)}, with an attempt repository of the caller's choice. */
    static Deployment inMemory(Advisors.Factory advisor, LoginAttemptRepository attempts) {
        Clock clock = Clock.systemUTC();
        return new Deployment(
                new InMemoryCredentialRepository(), attempts, new InMemoryFlowStateRepository(clock), advisor, null);
    }

    /** In memory with the default advisor. */
    static Deployment inMemory() {
        return inMemory(Advisors.named("default"));
    }

    /**
     * JdbcStorage over a HikariCP pool: {@code h2} is a private in-memory H2 database,
     * {@code postgresql} the database named by {@value #PG_URL_ENV}, in tables with a fresh prefix
     * that are dropped again on {@link #close()}.
     */
    static Deployment jdbc(String database, Advisors.Factory advisor) {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(4);
        config.setPoolName("bench-" + database);
        String prefix;
        switch (database) {
            case "h2" -> {
                config.setJdbcUrl(
                        "jdbc:h2:mem:passkeyflow_bench_" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
                prefix = JdbcStorage.DEFAULT_TABLE_PREFIX;
            }
            case "postgresql" -> {
                String url = System.getenv(PG_URL_ENV);
                if (url == null || url.isBlank()) {
                    throw new IllegalStateException("set " + PG_URL_ENV + " to benchmark PostgreSQL");
                }
                config.setJdbcUrl(url);
                byte[] random = new byte[4];
                new SecureRandom().nextBytes(random);
                prefix = "pkfbench_" + HexFormat.of().formatHex(random) + "_";
            }
            default -> throw new IllegalArgumentException("unknown database '" + database + "'");
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        RoundTripCounter counter = new RoundTripCounter();
        // The flow's steps commit atomically and the throttle counters live in the same database,
        // as a production deployment on JdbcStorage is configured (README).
        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(counter.wrap(dataSource))
                .tablePrefix(prefix)
                .initializeSchema(true)
                .build();
        Runnable close = () -> {
            if ("postgresql".equals(database)) {
                dropTables(dataSource, prefix);
            }
            dataSource.close();
        };
        return new Deployment(
                storage.credentials(),
                storage.attempts(),
                storage.flows(),
                advisor,
                close,
                storage.throttles(),
                storage.steps(),
                counter);
    }

    private static void dropTables(HikariDataSource dataSource, String prefix) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : new String[] {"flows", "login_attempts", "credentials", "users", "throttle_counters"}) {
                statement.execute("DROP TABLE IF EXISTS " + prefix + table);
            }
        } catch (SQLException e) {
            System.err.println("could not drop the benchmark tables " + prefix + "*: " + e);
        }
    }

    /** A desktop browser with a platform authenticator, as the end-to-end scenarios use. */
    static ClientContext client(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/140.0.0.0 Safari/537.36")
                .hints(new ClientHints("macOS", "15.0.0", false))
                .userVerifyingPlatformAuthenticator(true)
                .build();
    }

    /**
     * An ES256 authenticator whose counter always reports 0 (as synced passkeys do), so that one
     * credential stays valid for any number of assertions.
     */
    static SoftwareAuthenticator authenticator() {
        return SoftwareAuthenticator.builder()
                .origin(ORIGIN)
                .signatureCounter(SignatureCounter.alwaysZero())
                .build();
    }

    /** Creates an account with one ES256 passkey, enrolled through the flow itself. */
    Account enrol(String label) {
        int n = accounts.incrementAndGet();
        String identifier = (label + "-" + n + "@example.com").toLowerCase(Locale.ROOT);
        Bytes handle = Bytes.of(("uh-" + identifier).getBytes(StandardCharsets.UTF_8));
        credentials.saveUser(new UserAccount(handle, identifier, label + " " + n));
        ClientContext client = client("device-" + label + "-" + n);
        SoftwareAuthenticator authenticator = authenticator();
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(identifier, client);
        String registration = authenticator.register(offer.credentialsCreateJson());
        LoginStep done = flow.finishHealing(offer.flowId(), registration);
        if (!(done instanceof LoginStep.Completed completed) || completed.newCredentialId() == null) {
            throw new IllegalStateException("enrolment did not complete: " + done);
        }
        flows.delete(offer.flowId());
        String spki;
        try {
            spki = JSON.readTree(registration)
                    .path("response")
                    .path("publicKey")
                    .asText();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable registration response", e);
        }
        return new Account(
                identifier,
                handle,
                client,
                authenticator,
                Objects.requireNonNull(completed.newCredentialId()),
                Bytes.fromBase64Url(spki));
    }

    @Override
    public void close() {
        if (close != null) {
            close.run();
        }
    }

    /** An account with one registered passkey and the authenticator that holds it. */
    record Account(
            String identifier,
            Bytes userHandle,
            ClientContext client,
            SoftwareAuthenticator authenticator,
            Bytes credentialId,
            Bytes publicKeySpki) {}
}
