package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server ends the connection of a step while the step is under way ({@code pg_terminate_backend}
 * from another connection, just before a write statement is sent). The step must fail as
 * {@code UNAVAILABLE} with the driver's exception as its cause, leave nothing half-written, and
 * succeed when retried (the pool replaces the dead connection).
 */
@DisplayName("PostgreSQL: a connection terminated in the middle of a step")
class PostgresFaultTest {

    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    private static final Bytes ALICE = Bytes.of(new byte[] {1, 2, 3});

    private PostgresTestDatabase database;
    private InterceptingDataSource dataSource;
    private MutableClock clock;
    private JdbcStorage storage;

    @BeforeEach
    void setUp() {
        database = PostgresTestDatabase.create();
        dataSource = new InterceptingDataSource(database.dataSource());
        clock = new MutableClock(START);
        storage = JdbcStorage.builder()
                .dataSource(dataSource)
                .clock(clock)
                .initializeSchema(true)
                .build();
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    /** Terminates the backend of the connection that is about to prepare a statement starting with {@code sqlPrefix}. */
    private void terminateBefore(String sqlPrefix) {
        dataSource.onceBefore(sqlPrefix, (victim, sql) -> {
            int pid;
            try (Statement statement = victim.createStatement();
                    ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                row.next();
                pid = row.getInt(1);
            }
            try (Connection admin = DriverManager.getConnection(database.url());
                    PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
                terminate.setInt(1, pid);
                try (ResultSet row = terminate.executeQuery()) {
                    row.next();
                    assertThat(row.getBoolean(1))
                            .as("backend %d terminated", pid)
                            .isTrue();
                }
            }
        });
    }

    private static void assertUnavailableWithCause(StorageException failure) {
        assertThat(failure).isNotNull();
        assertThat(failure.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
        assertThat(failure.getCause())
                .isInstanceOfSatisfying(
                        SQLException.class,
                        cause -> assertThat(cause.getSQLState())
                                .as("SQLState of the driver's exception")
                                .satisfiesAnyOf(
                                        state -> assertThat(state).startsWith("08"),
                                        state -> assertThat(state).isEqualTo("57P01")));
    }

    private long count(String sql, String parameter) throws SQLException {
        try (Connection connection = database.directConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    @Test
    @DisplayName("a flow create that dies between deleting the expired flow and inserting the new one changes nothing")
    void flowCreateInTransaction() throws SQLException {
        storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(10), "old"));
        clock.advance(Duration.ofSeconds(10));
        terminateBefore("INSERT");

        StorageException failure = catchThrowableOfType(
                StorageException.class,
                () -> storage.flows().create(new FlowRecord("f1", 0, START.plusSeconds(60), "new")));

        assertUnavailableWithCause(failure);
        assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE flow_id = ? AND payload = 'old'", "f1"))
                .as("the delete of the expired flow was rolled back with the dead transaction")
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE flow_id = ?", "f1"))
                .isEqualTo(1);

        FlowRecord retried = new FlowRecord("f1", 0, START.plusSeconds(60), "new");
        storage.flows().create(retried);
        assertThat(storage.flows().load("f1")).contains(retried);
    }

    @Test
    @DisplayName("a credential save that dies before its insert leaves no row; the retry stores it")
    void credentialSave() throws SQLException {
        storage.credentials().saveUser(new UserAccount(ALICE, "alice", "Alice"));
        StoredCredential credential = new StoredCredential(
                Bytes.of(new byte[] {7}),
                ALICE,
                Bytes.of(new byte[] {1}),
                0,
                Set.of("internal"),
                true,
                false,
                null,
                START,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
        terminateBefore("INSERT");

        StorageException failure = catchThrowableOfType(
                StorageException.class, () -> storage.credentials().saveCredential(credential));

        assertUnavailableWithCause(failure);
        assertThat(count("SELECT COUNT(*) FROM passkeyflow_credentials WHERE nickname IS NULL OR nickname = ?", "x"))
                .isZero();
        storage.credentials().saveCredential(credential);
        assertThat(storage.credentials().findCredential(credential.credentialId()))
                .contains(credential);
    }

    @Test
    @DisplayName("a flow update that dies before its statement keeps the old version; the retry wins")
    void flowUpdate() throws SQLException {
        FlowRecord created = new FlowRecord("f1", 0, START.plusSeconds(60), "v0");
        storage.flows().create(created);
        terminateBefore("UPDATE");

        StorageException failure = catchThrowableOfType(
                StorageException.class, () -> storage.flows().update(created.next(START.plusSeconds(120), "v1")));

        assertUnavailableWithCause(failure);
        assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE version = 0 AND flow_id = ?", "f1"))
                .isEqualTo(1);
        assertThat(storage.flows().update(created.next(START.plusSeconds(120), "v1")))
                .isTrue();
        assertThat(storage.flows().load("f1").orElseThrow().payload()).isEqualTo("v1");
    }

    @ParameterizedTest(name = "terminated before {0}")
    @ValueSource(
            strings = {
                "INSERT INTO passkeyflow_credentials",
                "UPDATE passkeyflow_credentials SET signature_count",
                "UPDATE passkeyflow_credentials SET status",
                "INSERT INTO passkeyflow_login_attempts"
            })
    @DisplayName(
            "an atomic step commit that dies after the flow update leaves nothing half-written; the retry commits it once")
    void atomicStepCommit(String statementPrefix) throws SQLException {
        storage.credentials().saveUser(new UserAccount(ALICE, "alice", "Alice"));
        Bytes oldKey = Bytes.of(new byte[] {7});
        Bytes newKey = Bytes.of(new byte[] {8});
        StoredCredential old = new StoredCredential(
                oldKey,
                ALICE,
                Bytes.of(new byte[] {1}),
                3,
                Set.of(),
                true,
                false,
                null,
                START,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
        StoredCredential created = new StoredCredential(
                newKey,
                ALICE,
                Bytes.of(new byte[] {2}),
                0,
                Set.of(),
                true,
                false,
                null,
                START,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
        storage.credentials().saveCredential(old);
        FlowRecord flow = new FlowRecord("f1", 0, START.plusSeconds(60), "v0");
        storage.flows().create(flow);
        FlowRecord next = flow.next(START.plusSeconds(120), "v1");
        StepWrites writes = new StepWrites(
                List.of(new StepWrites.CredentialUse(oldKey, 9, true, START.plusSeconds(1), ClientInfo.unknown())),
                List.of(created),
                List.of(new StepWrites.StatusChange(
                        oldKey, CredentialStatus.ACTIVE, CredentialStatus.SUSPECTED_BROKEN)),
                List.of(new LoginAttempt(
                        ALICE,
                        "d1",
                        oldKey,
                        AttemptOutcome.SUCCEEDED,
                        null,
                        10,
                        START,
                        "macOS",
                        null,
                        null,
                        "f1/1/0")));
        terminateBefore(statementPrefix);

        StorageException failure = catchThrowableOfType(
                StorageException.class, () -> storage.steps().commit(next, writes));

        assertUnavailableWithCause(failure);
        assertThat(dataSource.preparedSql())
                .as("the flow update ran before the fault")
                .anySatisfy(sql -> assertThat(sql).startsWith("UPDATE passkeyflow_flows"));
        assertThat(count("SELECT COUNT(*) FROM passkeyflow_flows WHERE version = 0 AND payload = ?", "v0"))
                .as("the flow update was rolled back")
                .isEqualTo(1);
        assertThat(storage.credentials().findCredential(oldKey))
                .as("no use, no status change")
                .contains(old);
        assertThat(storage.credentials().findCredential(newKey))
                .as("no new passkey")
                .isEmpty();
        assertThat(storage.attempts().recentByUser(ALICE, START.minusSeconds(1), 10))
                .as("no attempt")
                .isEmpty();

        assertThat(storage.steps().commit(next, writes)).as("the retry").isTrue();
        assertThat(storage.steps().commit(next, writes))
                .as("a repeat of the retry")
                .isFalse();
        assertThat(storage.flows().load("f1")).contains(next);
        StoredCredential used = storage.credentials().findCredential(oldKey).orElseThrow();
        assertThat(used.signatureCount()).isEqualTo(9);
        assertThat(used.status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
        assertThat(storage.credentials().findCredential(newKey)).contains(created);
        assertThat(storage.attempts().recentByUser(ALICE, START.minusSeconds(1), 10))
                .hasSize(1);
    }
}
