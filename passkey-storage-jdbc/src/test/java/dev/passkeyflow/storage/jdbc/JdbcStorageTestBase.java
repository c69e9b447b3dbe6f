package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Focused tests of the JDBC storage that go beyond the SPI contract: precision, encodings, error
 * translation, batching and transactions. Each dialect runs them in a subclass, each test on an
 * empty database of its own.
 */
abstract class JdbcStorageTestBase {

    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    static final Bytes ALICE = Bytes.of(new byte[] {1, 2, 3});
    static final Bytes BOB = Bytes.of(new byte[] {4, 5, 6});

    TestDatabase database;
    InterceptingDataSource dataSource;
    MutableClock clock;
    JdbcStorage storage;

    /** An empty database of the dialect under test. */
    abstract TestDatabase openDatabase();

    @BeforeEach
    void setUp() {
        database = openDatabase();
        dataSource = new InterceptingDataSource(database.dataSource());
        clock = new MutableClock(START);
        storage = storage(dataSource, 3);
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    /** A storage on {@code source} with the test clock, a small purge batch, and its tables created. */
    JdbcStorage storage(DataSource source, int purgeBatchSize) {
        return JdbcStorage.builder()
                .dataSource(source)
                .clock(clock)
                .purgeBatchSize(purgeBatchSize)
                .initializeSchema(true)
                .build();
    }

    static StoredCredential fullCredential(Bytes id, Bytes user, Instant createdAt) {
        return new StoredCredential(
                id,
                user,
                Bytes.of(new byte[] {(byte) 0xA5, 0x01, 0x02, 0x03, 0x26}),
                0xFFFF_FFFFL,
                Set.of("hybrid", "internal"),
                true,
                true,
                Bytes.of(new byte[16]),
                createdAt,
                createdAt.plusSeconds(60),
                new ClientInfo("device-1", "macOS", "Chrome"),
                new ClientInfo("device-2", "iOS", "Safari"),
                CredentialStatus.SUSPECTED_BROKEN,
                "Schlüssel 🔑");
    }

    static StoredCredential minimalCredential(Bytes id, Bytes user, Instant createdAt) {
        return new StoredCredential(
                id,
                user,
                Bytes.of(new byte[] {9}),
                0,
                Set.of(),
                false,
                false,
                null,
                createdAt,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
    }

    static Bytes id(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    static LoginAttempt attempt(Bytes user, String device, Instant at, AttemptOutcome outcome) {
        return new LoginAttempt(user, device, null, outcome, null, 1200, at, "Android");
    }

    long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Runs tasks on threads released together; returns their results in order. */
    static <T> List<T> concurrently(int threads, java.util.function.IntFunction<Callable<T>> tasks) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> task = tasks.apply(i);
                futures.add(executor.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    @Nested
    @DisplayName("credentials")
    class Credentials {

        @BeforeEach
        void accounts() {
            storage.credentials().saveUser(new UserAccount(ALICE, "alice@example.com", "Alice"));
            storage.credentials().saveUser(new UserAccount(BOB, "bob@example.com", "Bob"));
        }

        @Test
        @DisplayName("a credential with every field set comes back equal")
        void fullRoundTrip() {
            StoredCredential credential = fullCredential(id("c1"), ALICE, START.plusNanos(123_456_000));
            storage.credentials().saveCredential(credential);

            assertThat(storage.credentials().findCredential(id("c1"))).contains(credential);
            assertThat(storage.credentials().listCredentials(ALICE)).containsExactly(credential);
        }

        @Test
        @DisplayName("a credential with only the required fields comes back equal")
        void minimalRoundTrip() {
            StoredCredential credential = minimalCredential(id("c1"), ALICE, START);
            storage.credentials().saveCredential(credential);

            StoredCredential loaded =
                    storage.credentials().findCredential(id("c1")).orElseThrow();
            assertThat(loaded).isEqualTo(credential);
            assertThat(loaded.lastUsedOn()).isNull();
            assertThat(loaded.transports()).isEmpty();
        }

        @Test
        @DisplayName("a use on a client about which nothing is known is not confused with no use")
        void unknownClientIsKept() {
            storage.credentials().saveCredential(minimalCredential(id("c1"), ALICE, START));

            assertThat(storage.credentials().recordUse(id("c1"), 7, true, START.plusSeconds(5), ClientInfo.unknown()))
                    .isTrue();

            StoredCredential loaded =
                    storage.credentials().findCredential(id("c1")).orElseThrow();
            assertThat(loaded.lastUsedOn()).isEqualTo(ClientInfo.unknown());
            assertThat(loaded.lastUsedAt()).isEqualTo(START.plusSeconds(5));
            assertThat(loaded.signatureCount()).isEqualTo(7);
            assertThat(loaded.backupState()).isTrue();
        }

        @Test
        @DisplayName("transports with commas, spaces, percent signs and the empty string survive")
        void awkwardTransports() {
            Set<String> transports = Set.of("", "a,b", "smart card", "100%", "plus+sign", "internal");
            StoredCredential credential = new StoredCredential(
                    id("c1"),
                    ALICE,
                    Bytes.of(new byte[] {1}),
                    1,
                    transports,
                    false,
                    false,
                    null,
                    START,
                    null,
                    ClientInfo.unknown(),
                    null,
                    CredentialStatus.ACTIVE,
                    null);
            storage.credentials().saveCredential(credential);

            assertThat(storage.credentials()
                            .findCredential(id("c1"))
                            .orElseThrow()
                            .transports())
                    .isEqualTo(credential.transports());
            assertThat(JdbcCredentialRepository.encodeTransports(Set.of("hybrid", "internal")))
                    .isEqualTo("hybrid,internal");
        }

        @Test
        @DisplayName("instants are stored truncated to whole microseconds")
        void microsecondTruncation() {
            Instant withNanos = START.plusNanos(123_456_789);
            storage.credentials().saveCredential(minimalCredential(id("c1"), ALICE, withNanos));

            assertThat(storage.credentials()
                            .findCredential(id("c1"))
                            .orElseThrow()
                            .createdAt())
                    .isEqualTo(START.plusNanos(123_456_000));
        }

        @Test
        @DisplayName("credentials are listed oldest first, ties in registration order")
        void listOrder() {
            storage.credentials().saveCredential(minimalCredential(id("late"), ALICE, START.plusSeconds(10)));
            storage.credentials().saveCredential(minimalCredential(id("z-first"), ALICE, START));
            storage.credentials().saveCredential(minimalCredential(id("a-second"), ALICE, START));
            storage.credentials().saveCredential(minimalCredential(id("bob"), BOB, START));

            assertThat(storage.credentials().listCredentials(ALICE))
                    .extracting(StoredCredential::credentialId)
                    .containsExactly(id("z-first"), id("a-second"), id("late"));
        }

        @Test
        @DisplayName("a second credential with the same id fails as DUPLICATE and keeps the SQL cause")
        void duplicateCredential() {
            storage.credentials().saveCredential(minimalCredential(id("c1"), ALICE, START));

            StorageException failure = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.credentials().saveCredential(minimalCredential(id("c1"), BOB, START)));

            assertThat(failure.reason()).isEqualTo(StorageException.Reason.DUPLICATE);
            assertThat(failure).hasCauseInstanceOf(SQLException.class);
            assertThat(storage.credentials().listCredentials(BOB)).isEmpty();
        }

        @Test
        @DisplayName("a credential of an unknown account fails as NOT_FOUND and keeps the SQL cause")
        void unknownAccount() {
            StorageException failure = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.credentials().saveCredential(minimalCredential(id("c1"), id("nobody"), START)));

            assertThat(failure.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
            assertThat(failure).hasCauseInstanceOf(SQLException.class);
            assertThat(storage.credentials().findCredential(id("c1"))).isEmpty();
        }

        @Test
        @DisplayName("an identifier of another account fails as DUPLICATE; renaming an account works")
        void identifiers() {
            assertThatThrownBy(() -> storage.credentials().saveUser(new UserAccount(BOB, "alice@example.com", "B")))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE));

            storage.credentials().saveUser(new UserAccount(ALICE, "alice@example.org", "Alice Liddell"));

            assertThat(storage.credentials().findUserByIdentifier("alice@example.com"))
                    .isEmpty();
            assertThat(storage.credentials().findUserByIdentifier("ALICE@example.org"))
                    .isEmpty();
            assertThat(storage.credentials().findUserByIdentifier("alice@example.org"))
                    .contains(new UserAccount(ALICE, "alice@example.org", "Alice Liddell"));
            assertThat(storage.credentials().findUserByHandle(BOB))
                    .contains(new UserAccount(BOB, "bob@example.com", "Bob"));
        }

        @Test
        @DisplayName("concurrent first saves of the same account all succeed")
        void concurrentFirstSave() throws Exception {
            Bytes carol = id("carol");
            List<Boolean> results = concurrently(8, i -> () -> {
                storage.credentials().saveUser(new UserAccount(carol, "carol@example.com", "Carol " + i));
                return true;
            });

            assertThat(results).containsOnly(true);
            assertThat(storage.credentials().findUserByIdentifier("carol@example.com"))
                    .isPresent();
        }

        @Test
        @DisplayName("updates of a missing credential return false and write nothing")
        void missingCredential() {
            assertThat(storage.credentials().recordUse(id("x"), 1, false, START, ClientInfo.unknown()))
                    .isFalse();
            assertThat(storage.credentials().setStatus(id("x"), CredentialStatus.RETIRED))
                    .isFalse();
            assertThat(storage.credentials().deleteCredential(id("x"))).isFalse();
            assertThatIllegalArgumentException()
                    .isThrownBy(() ->
                            storage.credentials().recordUse(id("x"), 1L << 32, false, START, ClientInfo.unknown()));
        }

        @Test
        @DisplayName("status changes and deletion")
        void statusAndDelete() {
            storage.credentials().saveCredential(minimalCredential(id("c1"), ALICE, START));

            assertThat(storage.credentials().setStatus(id("c1"), CredentialStatus.RETIRED))
                    .isTrue();
            assertThat(storage.credentials()
                            .findCredential(id("c1"))
                            .orElseThrow()
                            .status())
                    .isEqualTo(CredentialStatus.RETIRED);
            assertThat(storage.credentials().deleteCredential(id("c1"))).isTrue();
            assertThat(storage.credentials().findCredential(id("c1"))).isEmpty();
        }
    }

    @Nested
    @DisplayName("login attempts")
    class Attempts {

        @Test
        @DisplayName("windows are newest first, ties broken by insertion (later first), cut by the limit")
        void ordering() {
            LoginAttempt old = attempt(ALICE, "d1", START, AttemptOutcome.CANCELLED);
            LoginAttempt tieFirst = attempt(ALICE, "d1", START.plusSeconds(1), AttemptOutcome.CANCELLED);
            LoginAttempt tieSecond = attempt(ALICE, "d1", START.plusSeconds(1), AttemptOutcome.TIMED_OUT);
            LoginAttempt tieThird = attempt(ALICE, "d1", START.plusSeconds(1), AttemptOutcome.FALLBACK_SUCCEEDED);
            LoginAttempt newest = attempt(ALICE, "d1", START.plusSeconds(2), AttemptOutcome.SUCCEEDED);
            for (LoginAttempt a : List.of(newest, old, tieFirst, tieSecond, tieThird)) {
                storage.attempts().append(a);
            }
            storage.attempts().append(attempt(BOB, "d1", START.plusSeconds(3), AttemptOutcome.SUCCEEDED));

            assertThat(storage.attempts().recentByUser(ALICE, START, 10))
                    .containsExactly(newest, tieThird, tieSecond, tieFirst, old);
            assertThat(storage.attempts().recentByUser(ALICE, START, 3)).containsExactly(newest, tieThird, tieSecond);
            assertThat(storage.attempts().recentByDevice("d1", START.plusSeconds(2), 10))
                    .extracting(LoginAttempt::userHandle)
                    .containsExactly(BOB, ALICE);
        }

        @Test
        @DisplayName("since is inclusive, judged on the stored (whole-microsecond) time")
        void sinceBound() {
            Instant at = START.plusNanos(5_000);
            storage.attempts().append(attempt(ALICE, "d1", at, AttemptOutcome.CANCELLED));
            storage.attempts().append(attempt(ALICE, "d1", at.plusNanos(700), AttemptOutcome.TIMED_OUT));

            assertThat(storage.attempts().recentByUser(ALICE, at, 10))
                    .hasSize(2)
                    .allSatisfy(a -> assertThat(a.at()).isEqualTo(at));
            assertThat(storage.attempts().recentByUser(ALICE, at.plusNanos(1), 10))
                    .isEmpty();
            assertThat(storage.attempts().recentByUser(ALICE, at.minusNanos(1), 10))
                    .hasSize(2);
        }

        @Test
        @DisplayName("by credential matches only attempts that name it; every field survives")
        void byCredential() {
            LoginAttempt withCredential = new LoginAttempt(
                    ALICE, null, id("c1"), AttemptOutcome.BAD_SIGNATURE, "NotAllowedError", -1, START, null);
            storage.attempts().append(withCredential);
            storage.attempts().append(attempt(ALICE, "d1", START, AttemptOutcome.CANCELLED));

            assertThat(storage.attempts().recentByCredential(id("c1"), START, 10))
                    .containsExactly(withCredential);
            assertThat(storage.attempts().recentByDevice("d2", START, 10)).isEmpty();
        }

        @Test
        @DisplayName("a limit below 1 is rejected before the database is asked")
        void badLimit() {
            dataSource.clearRecorded();
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> storage.attempts().recentByUser(ALICE, START, 0));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> storage.attempts().recentByDevice("d", START, -1));
            assertThat(dataSource.preparedSql()).isEmpty();
        }

        @Test
        @DisplayName(
                "purging deletes in batches until nothing older than the cutoff is left; the cutoff itself is kept")
        void batchedPurge() throws SQLException {
            for (int i = 0; i < 10; i++) {
                storage.attempts().append(attempt(ALICE, "d1", START.minusSeconds(100 - i), AttemptOutcome.CANCELLED));
            }
            storage.attempts().append(attempt(ALICE, "d1", START, AttemptOutcome.SUCCEEDED));
            dataSource.clearRecorded();

            assertThat(storage.attempts().purgeOlderThan(START)).isEqualTo(10);

            assertThat(dataSource.preparedSql())
                    .filteredOn(sql -> sql.startsWith("DELETE"))
                    .hasSize(4);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_login_attempts")).isEqualTo(1);
            assertThat(storage.attempts().purgeOlderThan(START)).isZero();
        }
    }

    @Nested
    @DisplayName("flows")
    class Flows {

        FlowRecord flow(String flowId, Duration ttl) {
            return new FlowRecord(flowId, 0, clock.instant().plus(ttl), "{\"step\":\"start\",\"name\":\"Zoë\"}");
        }

        @Test
        @DisplayName("a flow comes back as created, and a large payload survives")
        void roundTrip() {
            FlowRecord flow = flow("f1", Duration.ofMinutes(5));
            storage.flows().create(flow);
            String large = "x".repeat(200_000) + "é";
            FlowRecord big = new FlowRecord("f2", 0, START.plusSeconds(60), large);
            storage.flows().create(big);

            assertThat(storage.flows().load("f1")).contains(flow);
            assertThat(storage.flows().load("f2")).contains(big);
        }

        @Test
        @DisplayName("expiry is judged by the injected clock, to the microsecond")
        void expiryByClock() {
            storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));

            clock.set(START.plusSeconds(60).minusNanos(1_000));
            assertThat(storage.flows().load("f1")).isPresent();
            clock.set(START.plusSeconds(60).minusNanos(1));
            assertThat(storage.flows().load("f1")).isPresent();
            clock.set(START.plusSeconds(60));
            assertThat(storage.flows().load("f1")).isEmpty();
            assertThat(storage.flows().update(new FlowRecord("f1", 1, START.plusSeconds(600), "{}")))
                    .isFalse();
            assertThat(storage.flows().delete("f1"))
                    .as("an expired but unpurged flow is deleted")
                    .isTrue();
        }

        @Test
        @DisplayName("a live duplicate fails as DUPLICATE and changes nothing; an expired one is replaced")
        void duplicates() throws SQLException {
            storage.flows().create(flow("f1", Duration.ofSeconds(30)));

            StorageException failure = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(99), "other")));
            assertThat(failure.reason()).isEqualTo(StorageException.Reason.DUPLICATE);
            // H2 reports the unique violation; PostgreSQL's single upsert reports that no row was written.
            assertThat(failure.getMessage()).startsWith("DUPLICATE: create a flow failed");
            assertThat(storage.flows().load("f1").orElseThrow().payload()).contains("start");

            clock.advance(Duration.ofSeconds(30));
            FlowRecord replacement = new FlowRecord("f1", 0, clock.instant().plusSeconds(30), "replacement");
            storage.flows().create(replacement);
            assertThat(storage.flows().load("f1")).contains(replacement);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows")).isEqualTo(1);
        }

        @Test
        @DisplayName("an update wins only against the version it was based on")
        void versionCheck() {
            FlowRecord created = flow("f1", Duration.ofMinutes(5));
            storage.flows().create(created);
            FlowRecord first = created.next(START.plusSeconds(600), "one");

            assertThat(storage.flows().update(first)).isTrue();
            assertThat(storage.flows().update(created.next(START.plusSeconds(600), "stale")))
                    .isFalse();
            assertThat(storage.flows().update(new FlowRecord("missing", 1, START.plusSeconds(60), "x")))
                    .isFalse();
            assertThat(storage.flows().load("f1")).contains(first);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> storage.flows().update(created));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> storage.flows().create(first));
        }

        @Test
        @DisplayName("of concurrent writers of the same version exactly one wins")
        void oneWriterWins() throws Exception {
            FlowRecord created = flow("f1", Duration.ofMinutes(5));
            storage.flows().create(created);

            List<Boolean> wins = concurrently(
                    8, i -> () -> storage.flows().update(created.next(START.plusSeconds(600), "writer " + i)));

            assertThat(wins).containsOnlyOnce(true);
            int winner = wins.indexOf(true);
            assertThat(storage.flows().load("f1").orElseThrow().payload()).isEqualTo("writer " + winner);
        }

        @Test
        @DisplayName("purging deletes expired flows in batches and leaves live ones")
        void batchedPurge() throws SQLException {
            for (int i = 0; i < 7; i++) {
                storage.flows().create(flow("old-" + i, Duration.ofSeconds(10 + i)));
            }
            storage.flows().create(flow("live", Duration.ofHours(1)));
            clock.advance(Duration.ofMinutes(1));
            dataSource.clearRecorded();

            assertThat(storage.flows().purgeExpired()).isEqualTo(7);

            assertThat(dataSource.preparedSql())
                    .filteredOn(sql -> sql.startsWith("DELETE"))
                    .hasSize(3);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows")).isEqualTo(1);
            assertThat(storage.flows().load("live")).isPresent();
        }
    }

    @Nested
    @DisplayName("throttles and steps")
    class ThrottlesAndSteps {

        @Test
        @DisplayName("an increment counts a repeated key twice; on PostgreSQL it is a single statement")
        void incrementStatements() {
            dataSource.clearRecorded();

            assertThat(storage.throttles().increment(List.of("b", "a", "b"), START, START.plusSeconds(60)))
                    .containsExactly(1L, 1L, 2L);

            if (database.dialect() == Dialect.POSTGRESQL) {
                assertThat(dataSource.preparedSql())
                        .singleElement()
                        .satisfies(sql -> assertThat(sql).startsWith("INSERT INTO passkeyflow_throttle_counters"));
            }
            assertThat(storage.throttles().read(List.of("a", "b"), START)).containsExactly(1L, 2L);
        }

        @Test
        @DisplayName("purging expired counters deletes in batches and keeps live ones")
        void batchedPurge() throws SQLException {
            for (int i = 0; i < 7; i++) {
                storage.throttles().increment(List.of("k" + i), START, START.plusSeconds(10 + i));
            }
            storage.throttles().increment(List.of("live"), START, START.plusSeconds(3600));
            dataSource.clearRecorded();

            assertThat(storage.throttles().purgeExpired(START.plusSeconds(60))).isEqualTo(7);

            assertThat(dataSource.preparedSql())
                    .filteredOn(sql -> sql.startsWith("DELETE"))
                    .hasSize(3);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_throttle_counters"))
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("a counter's expiry is the latest any increment gave it")
        void expiryExtended() {
            storage.throttles().increment(List.of("k"), START, START.plusSeconds(10));
            storage.throttles().increment(List.of("k"), START, START.plusSeconds(20));
            storage.throttles().increment(List.of("k"), START, START.plusSeconds(15));

            assertThat(storage.throttles().purgeExpired(START.plusSeconds(19))).isZero();
            assertThat(storage.throttles().purgeExpired(START.plusSeconds(20))).isEqualTo(1);
        }

        @Test
        @DisplayName(
                "a step with a use and an attempt is one statement on PostgreSQL and three in one transaction on H2; one without writes is a single update")
        void stepStatements() {
            storage.credentials().saveUser(new UserAccount(ALICE, "alice", "Alice"));
            storage.credentials().saveCredential(minimalCredential(id("c1"), ALICE, START));
            FlowRecord flow = new FlowRecord("f1", 0, START.plusSeconds(60), "{}");
            storage.flows().create(flow);
            dataSource.clearRecorded();

            FlowRecord first = flow.next(START.plusSeconds(60), "{1}");
            assertThat(storage.steps()
                            .commit(
                                    first,
                                    new StepWrites(
                                            List.of(new StepWrites.CredentialUse(
                                                            id("c1"), 4, false, START, ClientInfo.unknown())),
                                                    List.of(),
                                            List.of(),
                                                    List.of(attempt(ALICE, "d1", START, AttemptOutcome.SUCCEEDED)
                                                            .withAttemptId("f1/1/0")))))
                    .isTrue();

            if (storage.dialect() == Dialect.POSTGRESQL) {
                assertThat(dataSource.preparedSql())
                        .singleElement()
                        .satisfies(sql -> assertThat(sql)
                                .startsWith("WITH f AS (UPDATE passkeyflow_flows")
                                .contains("UPDATE passkeyflow_credentials", "INSERT INTO passkeyflow_login_attempts"));
            } else {
                assertThat(dataSource.preparedSql())
                        .hasSize(3)
                        .satisfiesExactly(
                                sql -> assertThat(sql).startsWith("UPDATE passkeyflow_flows"),
                                sql -> assertThat(sql).startsWith("UPDATE passkeyflow_credentials"),
                                sql -> assertThat(sql).startsWith("INSERT INTO passkeyflow_login_attempts"));
            }
            assertThat(storage.credentials()
                            .findCredential(id("c1"))
                            .orElseThrow()
                            .signatureCount())
                    .isEqualTo(4);
            assertThat(storage.attempts().recentByUser(ALICE, START, 10))
                    .singleElement()
                    .satisfies(a -> assertThat(a.attemptId()).isEqualTo("f1/1/0"));
            dataSource.clearRecorded();
            assertThat(storage.steps().commit(first.next(START.plusSeconds(60), "{2}"), StepWrites.none()))
                    .isTrue();
            assertThat(dataSource.preparedSql())
                    .singleElement()
                    .satisfies(sql -> assertThat(sql).startsWith("UPDATE passkeyflow_flows"));
        }

        @Test
        @DisplayName("a step on connections handed out with auto-commit off is committed")
        void stepWithAutoCommitOff() throws SQLException {
            JdbcStorage manual = storage(new InterceptingDataSource(database.dataSource()).withAutoCommitOff(), 3);
            FlowRecord flow = new FlowRecord("f1", 0, START.plusSeconds(60), "{}");
            manual.flows().create(flow);

            assertThat(manual.steps()
                            .commit(
                                    flow.next(START.plusSeconds(60), "{1}"),
                                    new StepWrites(
                                            List.of(),
                                            List.of(),
                                            List.of(),
                                            List.of(attempt(ALICE, "d1", START, AttemptOutcome.CANCELLED)
                                                    .withAttemptId("f1/1/0")))))
                    .isTrue();
            assertThat(manual.throttles().increment(List.of("k"), START, START.plusSeconds(60)))
                    .containsExactly(1L);

            assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE version = 1"))
                    .isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_login_attempts WHERE attempt_id = ?", "f1/1/0"))
                    .isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_throttle_counters"))
                    .isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("transactions and failures")
    class TransactionsAndFailures {

        @Test
        @DisplayName("connections handed out with auto-commit off are committed, not left open")
        void autoCommitOff() throws SQLException {
            JdbcStorage manual = storage(new InterceptingDataSource(database.dataSource()).withAutoCommitOff(), 3);

            manual.credentials().saveUser(new UserAccount(ALICE, "alice", "Alice"));
            manual.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));
            manual.attempts().append(attempt(ALICE, "d1", START, AttemptOutcome.CANCELLED));
            assertThat(manual.flows().update(new FlowRecord("f1", 1, START.plusSeconds(60), "{1}")))
                    .isTrue();

            assertThat(count("SELECT COUNT(*) FROM passkeyflow_users")).isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE version = 1"))
                    .isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_login_attempts")).isEqualTo(1);
            assertThat(storage.flows().load("f1").orElseThrow().version()).isEqualTo(1);
        }

        @Test
        @DisplayName("a failed step inside a transaction leaves nothing behind")
        void rollback() throws SQLException {
            storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(10), "expired soon"));
            clock.advance(Duration.ofSeconds(10));
            dataSource.onceBefore("INSERT", (connection, sql) -> {
                throw new SQLException("injected failure", "08006");
            });

            StorageException failure = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "new")));

            assertThat(failure.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
            assertThat(failure).hasRootCauseMessage("injected failure");
            assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows")).isEqualTo(1);
            clock.set(START);
            assertThat(storage.flows().load("f1").orElseThrow().payload())
                    .as("the delete of the expired flow was rolled back")
                    .isEqualTo("expired soon");
        }

        @Test
        @DisplayName("a transaction restores auto-commit on the host's connection, after success and after failure")
        void autoCommitRestored() throws SQLException {
            try (Connection shared = database.dataSource().getConnection()) {
                DataSource single = InterceptingDataSource.sharing(shared);
                JdbcStorage onShared = JdbcStorage.builder()
                        .dataSource(single)
                        .dialect(database.dialect())
                        .clock(clock)
                        .build();

                onShared.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));
                assertThat(shared.getAutoCommit()).isTrue();
                assertThatThrownBy(() -> onShared.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}")))
                        .isInstanceOf(StorageException.class);
                assertThat(shared.getAutoCommit()).isTrue();
                assertThat(storage.flows().load("f1")).isPresent();
            }
        }

        @Test
        @DisplayName("an unreachable database is UNAVAILABLE, with the cause kept")
        void unreachable() {
            DataSource broken = new InterceptingDataSource(database.dataSource()).unreachable();
            JdbcStorage down = JdbcStorage.builder()
                    .dataSource(broken)
                    .dialect(database.dialect())
                    .build();

            assertThatThrownBy(() -> down.flows().load("f1")).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
                assertThat(e).hasMessageContaining("08001").hasCauseInstanceOf(SQLException.class);
            });
        }

        @Test
        @DisplayName("missing tables are UNAVAILABLE")
        void missingTables() {
            JdbcStorage elsewhere = JdbcStorage.builder()
                    .dataSource(database.dataSource())
                    .dialect(database.dialect())
                    .tablePrefix("absent_")
                    .build();

            assertThatThrownBy(() -> elsewhere.attempts().recentByUser(ALICE, START, 5))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE));
        }

        @Test
        @DisplayName("error messages carry neither payloads nor keys")
        void noSecretsInMessages() {
            storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "secret-payload"));

            StorageException failure = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "secret-payload")));

            assertThat(failure.getMessage()).doesNotContain("secret-payload").containsAnyOf("23505", "live flow");
        }
    }

    @Nested
    @DisplayName("schema")
    class Schema {

        @Test
        @DisplayName("applying the initializer again is harmless and keeps the rows")
        void initializerTwice() throws SQLException {
            storage.credentials().saveUser(new UserAccount(ALICE, "alice", "Alice"));

            storage.initializeSchema();
            SchemaInitializer.apply(database.dataSource(), database.dialect(), JdbcStorage.DEFAULT_TABLE_PREFIX);

            assertThat(count("SELECT COUNT(*) FROM passkeyflow_users")).isEqualTo(1);
        }

        @Test
        @DisplayName("two table prefixes are two independent stores in one database")
        void prefixes() {
            JdbcStorage other = JdbcStorage.builder()
                    .dataSource(database.dataSource())
                    .clock(clock)
                    .tablePrefix("tenant2_pkf_")
                    .initializeSchema(true)
                    .build();

            storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));

            assertThat(other.flows().load("f1")).isEmpty();
            other.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));
            assertThat(other.tablePrefix()).isEqualTo("tenant2_pkf_");
        }

        @Test
        @DisplayName("the dialect is detected from the database")
        void detection() {
            assertThat(Dialect.detect(database.dataSource())).isEqualTo(database.dialect());
            assertThat(storage.dialect()).isEqualTo(database.dialect());
        }

        @Test
        @DisplayName("the initializer applies concurrently without failing")
        void concurrentInitializer() throws Exception {
            JdbcStorage other = JdbcStorage.builder()
                    .dataSource(database.dataSource())
                    .clock(clock)
                    .dialect(database.dialect())
                    .tablePrefix("race_")
                    .build();

            List<Boolean> done = concurrently(4, i -> () -> {
                other.initializeSchema();
                return true;
            });

            assertThat(done).containsOnly(true);
            other.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "{}"));
            assertThat(other.flows().load("f1")).isPresent();
        }
    }
}
