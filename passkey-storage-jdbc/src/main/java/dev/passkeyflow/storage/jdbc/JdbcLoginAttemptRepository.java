package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LoginAttemptRepository} over the {@code login_attempts} table.
 *
 * <p>Each window query is one index range scan: equality on the key, {@code attempted_at >= since},
 * ordered {@code attempted_at DESC, seq DESC} (the identity column {@code seq} breaks ties in
 * insertion order) and cut by {@code LIMIT}. The stored time is the attempt's instant truncated to
 * whole microseconds; {@code since} and the purge cutoff are rounded up to the next whole
 * microsecond, so that an attempt is selected exactly when its stored time is at or after
 * {@code since} (kept exactly when at or after the cutoff).
 */
final class JdbcLoginAttemptRepository implements LoginAttemptRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLoginAttemptRepository.class);

    static final String COLUMNS = "user_handle, device_id, credential_id, outcome, client_error_name,"
            + " elapsed_millis, attempted_at, platform, authenticator_attachment, offer_kind, attempt_id";

    private final JdbcExecutor executor;
    private final Dialect dialect;
    private final int purgeBatchSize;
    private final String insert;
    private final String recentByUser;
    private final String recentByDevice;
    private final String recentByCredential;
    private final String purgeBatch;

    JdbcLoginAttemptRepository(JdbcExecutor executor, Dialect dialect, Tables tables, int purgeBatchSize) {
        this.executor = executor;
        this.dialect = dialect;
        this.purgeBatchSize = purgeBatchSize;
        String table = tables.loginAttempts;
        // The unique index on attempt_id stores an attempt with an id once; NULL ids never conflict.
        this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + (dialect.onConflictDoNothing() ? " ON CONFLICT DO NOTHING" : "");
        this.recentByUser = window(table, "user_handle");
        this.recentByDevice = window(table, "device_id");
        this.recentByCredential = window(table, "credential_id");
        // The outer condition is repeated so that a row changed since the subquery read it is
        // judged again (PostgreSQL re-checks the outer WHERE of a DELETE on rows it waited for).
        this.purgeBatch = "DELETE FROM " + table + " WHERE attempted_at < ? AND seq IN (SELECT seq FROM " + table
                + " WHERE attempted_at < ? LIMIT ?)";
    }

    private static String window(String table, String key) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE " + key + " = ? AND attempted_at >= ?"
                + " ORDER BY attempted_at DESC, seq DESC LIMIT ?";
    }

    /**
     * Inserts the attempt in one statement. An attempt whose id is stored already is not inserted
     * again: PostgreSQL skips it ({@code ON CONFLICT DO NOTHING}), H2 reports the unique violation
     * of that one statement, which is taken as "stored".
     */
    @Override
    public void append(LoginAttempt attempt) {
        Objects.requireNonNull(attempt, "attempt");
        executor.run("append a login attempt", connection -> {
            insert(connection, List.of(attempt));
            return Boolean.TRUE; // SqlWork has to return a value; nothing reads this one
        });
    }

    /**
     * Inserts attempts on the caller's connection, in the caller's transaction, in list order;
     * attempts whose id is stored already (or appears earlier in the list) are skipped. On
     * PostgreSQL several attempts are sent as one batch (one round trip).
     */
    void insert(Connection connection, List<LoginAttempt> attempts) throws SQLException {
        if (attempts.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            if (dialect.onConflictDoNothing()) {
                if (attempts.size() == 1) {
                    bind(statement, attempts.get(0));
                    statement.executeUpdate();
                } else {
                    for (LoginAttempt attempt : attempts) {
                        bind(statement, attempt);
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
                return;
            }
            for (LoginAttempt attempt : attempts) {
                bind(statement, attempt);
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    // Only attempt_id can be violated (seq is generated): the attempt is stored already.
                    if (attempt.attemptId() == null || !JdbcExecutor.isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void bind(PreparedStatement statement, LoginAttempt attempt) throws SQLException {
        bind(statement, 1, attempt);
    }

    /** Binds an attempt's eleven {@link #COLUMNS} from parameter {@code first} on. */
    static void bind(PreparedStatement statement, int first, LoginAttempt attempt) throws SQLException {
        statement.setBytes(first, attempt.userHandle().toByteArray());
        Params.setString(statement, first + 1, attempt.deviceId());
        Params.setBytes(statement, first + 2, attempt.credentialId());
        statement.setString(first + 3, attempt.outcome().name());
        Params.setString(statement, first + 4, attempt.clientErrorName());
        statement.setLong(first + 5, attempt.elapsedMillis());
        Timestamps.bind(statement, first + 6, attempt.at());
        Params.setString(statement, first + 7, attempt.platform());
        Params.setString(statement, first + 8, attempt.authenticatorAttachment());
        Params.setString(statement, first + 9, attempt.offerKind());
        Params.setString(statement, first + 10, attempt.attemptId());
    }

    @Override
    public List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit) {
        Objects.requireNonNull(userHandle, "userHandle");
        return query("read a user's recent login attempts", recentByUser, userHandle.toByteArray(), since, limit);
    }

    @Override
    public List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit) {
        Objects.requireNonNull(deviceId, "deviceId");
        return query("read a device's recent login attempts", recentByDevice, deviceId, since, limit);
    }

    @Override
    public List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit) {
        Objects.requireNonNull(credentialId, "credentialId");
        return query(
                "read a credential's recent login attempts",
                recentByCredential,
                credentialId.toByteArray(),
                since,
                limit);
    }

    private List<LoginAttempt> query(String operation, String sql, Object key, Instant since, int limit) {
        Objects.requireNonNull(since, "since");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        Instant lowerBound = Timestamps.ceilToMicros(since);
        return executor.run(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (key instanceof byte[] bytes) {
                    statement.setBytes(1, bytes);
                } else {
                    statement.setString(1, (String) key);
                }
                Timestamps.bind(statement, 2, lowerBound);
                statement.setInt(3, limit);
                statement.setFetchSize(Math.min(limit, 500));
                try (ResultSet row = statement.executeQuery()) {
                    List<LoginAttempt> attempts = new ArrayList<>();
                    while (row.next()) {
                        attempts.add(readAttempt(row));
                    }
                    return List.copyOf(attempts);
                }
            }
        });
    }

    @Override
    public int purgeOlderThan(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        Instant bound = Timestamps.ceilToMicros(cutoff);
        int purged = executor.purgeInBatches("purge old login attempts", purgeBatch, bound, purgeBatchSize);
        LOG.debug("purged {} login attempts recorded before {}", purged, cutoff);
        return purged;
    }

    private static LoginAttempt readAttempt(ResultSet row) throws SQLException {
        try {
            byte[] credentialId = row.getBytes("credential_id");
            return new LoginAttempt(
                    Bytes.of(row.getBytes("user_handle")),
                    row.getString("device_id"),
                    credentialId == null ? null : Bytes.of(credentialId),
                    AttemptOutcome.valueOf(row.getString("outcome")),
                    row.getString("client_error_name"),
                    row.getLong("elapsed_millis"),
                    Timestamps.readRequired(row, "attempted_at"),
                    row.getString("platform"),
                    row.getString("authenticator_attachment"),
                    row.getString("offer_kind"),
                    row.getString("attempt_id"));
        } catch (RuntimeException e) {
            throw new SQLDataException("a stored login attempt row is not valid", e);
        }
    }
}
