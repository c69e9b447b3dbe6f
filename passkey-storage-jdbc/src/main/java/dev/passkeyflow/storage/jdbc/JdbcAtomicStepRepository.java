package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CountedFlowStart;
import dev.passkeyflow.storage.FlowLoadWithCredentials;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowWithCredentials;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link AtomicStepRepository} over the same tables as the other JDBC repositories, reusing their
 * statements on one connection in one transaction.
 *
 * <p>The flow's conditional {@code UPDATE} runs first: it takes the flow's row lock, so of several
 * commits of the same version the later ones wait for the first and then match no row; a commit
 * that matches no row writes nothing else. Then, in this order: new credentials, credential uses
 * (one batch), status changes (one batch, each conditional on the expected status), attempts (one
 * batch; an attempt id already stored is skipped by the unique index). Any failure rolls the whole
 * transaction back. A step with no writes is a single auto-committed update.
 *
 * <p>On PostgreSQL the steps of an ordinary login (at most one credential use and at most one
 * attempt, no new credential, no status change) are one statement instead: the flow's update in a
 * {@code WITH} clause and the other writes conditional on it ({@code WHERE EXISTS}), auto-committed,
 * so the step costs one round trip and is still all or nothing (a statement is atomic). Its
 * sub-statements never touch the same row twice, which PostgreSQL leaves undefined.
 */
final class JdbcAtomicStepRepository implements AtomicStepRepository, CountedFlowStart, FlowLoadWithCredentials {

    private final JdbcExecutor executor;
    private final boolean singleStatement;
    private final String flowUpdate;
    private final String useUpdate;
    private final String attemptInsert;
    private final JdbcFlowStateRepository flows;
    private final JdbcThrottleRepository throttles;
    private final String throttleTable;
    private final String flowTable;
    private final JdbcCredentialRepository credentials;
    private final JdbcLoginAttemptRepository attempts;
    private final String flowWithOwnerCredentials;

    JdbcAtomicStepRepository(
            JdbcExecutor executor,
            Dialect dialect,
            Tables tables,
            JdbcFlowStateRepository flows,
            JdbcCredentialRepository credentials,
            JdbcLoginAttemptRepository attempts,
            JdbcThrottleRepository throttles) {
        this.executor = executor;
        this.throttles = throttles;
        this.throttleTable = tables.throttleCounters;
        this.flowTable = tables.flows;
        this.singleStatement = dialect == Dialect.POSTGRESQL;
        this.flowUpdate = "WITH f AS (UPDATE " + tables.flows + " SET version = ?, expires_at = ?, payload = ?"
                + " WHERE flow_id = ? AND version = ? AND expires_at > ? RETURNING 1)";
        this.useUpdate = ", u AS (UPDATE " + tables.credentials + " SET signature_count = ?, backup_state = ?,"
                + " last_used_at = ?, last_used_on_known = TRUE, last_used_device_id = ?, last_used_platform = ?,"
                + " last_used_browser = ? WHERE credential_id = ? AND EXISTS (SELECT 1 FROM f) RETURNING 1)";
        this.attemptInsert = ", a AS (INSERT INTO " + tables.loginAttempts + " ("
                + JdbcLoginAttemptRepository.COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM f) ON CONFLICT DO NOTHING RETURNING 1)";
        // A left join, so that a live flow comes back also when no account owns the credential id
        // (one row whose credential columns are NULL).
        this.flowWithOwnerCredentials = "SELECT f.version, f.expires_at, f.payload, "
                + String.join(
                        ", ",
                        Arrays.stream(JdbcCredentialRepository.CREDENTIAL_COLUMNS.split(",\\s*"))
                                .map(column -> "c." + column)
                                .toList())
                + " FROM " + tables.flows + " f LEFT JOIN " + tables.credentials + " c ON c.user_handle ="
                + " (SELECT o.user_handle FROM " + tables.credentials + " o WHERE o.credential_id = ?)"
                + " WHERE f.flow_id = ? AND f.expires_at > ? ORDER BY c.created_at, c.seq";
        this.flows = flows;
        this.credentials = credentials;
        this.attempts = attempts;
    }

    @Override
    public boolean commit(FlowRecord updated, StepWrites writes) {
        JdbcFlowStateRepository.checkUpdate(updated);
        Objects.requireNonNull(writes, "writes");
        if (writes.isEmpty()) {
            return flows.update(updated);
        }
        Instant now = flows.now();
        if (singleStatement
                && writes.newCredentials().isEmpty()
                && writes.statusChanges().isEmpty()
                && writes.credentialUses().size() <= 1
                && writes.attempts().size() <= 1) {
            return executor.run(
                    "commit a login step", connection -> commitInOneStatement(connection, updated, writes, now));
        }
        return executor.inTransaction("commit a login step", connection -> {
            if (!flows.update(connection, updated, now)) {
                return false;
            }
            for (StoredCredential credential : writes.newCredentials()) {
                credentials.insertUnlessStored(connection, credential);
            }
            credentials.recordUses(connection, writes.credentialUses());
            credentials.changeStatuses(connection, writes.statusChanges());
            attempts.insert(connection, writes.attempts());
            return true;
        });
    }

    /** One statement on both dialects: the flow left-joined with its owner's credentials. */
    @Override
    public Optional<FlowWithCredentials> loadWithOwnerCredentials(String flowId, Bytes credentialId) {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(credentialId, "credentialId");
        Instant now = flows.now();
        return executor.run("load a flow with its credentials", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(flowWithOwnerCredentials)) {
                statement.setBytes(1, credentialId.toByteArray());
                statement.setString(2, flowId);
                Timestamps.bind(statement, 3, now);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    FlowRecord flow = JdbcFlowStateRepository.readFlow(flowId, row);
                    List<StoredCredential> owned = new ArrayList<>();
                    do {
                        if (row.getBytes("credential_id") != null) {
                            owned.add(JdbcCredentialRepository.readCredential(row));
                        }
                    } while (row.next());
                    return Optional.of(new FlowWithCredentials(flow, owned));
                }
            }
        });
    }

    /**
     * On PostgreSQL one statement: the counters' upsert in a {@code WITH} clause, the flow's insert
     * conditional on every new count being within its limit (and on no live flow having the id),
     * and the counts as its result. On H2 the two repository calls one after the other.
     */
    @Override
    public List<Long> startFlow(
            FlowRecord flow, List<String> keys, List<Long> limits, Instant windowStart, Instant expiresAt) {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (flow.version() != 0) {
            throw new IllegalArgumentException("a new flow must have version 0, was " + flow.version());
        }
        if (keys.isEmpty() || keys.size() != limits.size() || new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("keys must be distinct, at least one, one limit each");
        }
        keys.forEach(JdbcThrottleRepository::checkKey);
        if (!singleStatement) {
            List<Long> counts = throttles.increment(keys, windowStart, expiresAt);
            if (withinLimits(counts, limits)) {
                flows.create(flow);
            }
            return counts;
        }
        Instant now = flows.now();
        String sql = startFlowSql(keys.size());
        return executor.run("start a flow", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bindStartFlow(statement, flow, keys, limits, windowStart, expiresAt, now);
                Map<String, Long> counts = new HashMap<>();
                long created = 0;
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        counts.put(row.getString(1), row.getLong(2));
                        created = row.getLong(3);
                    }
                }
                List<Long> ordered = inKeyOrder(counts, keys);
                if (withinLimits(ordered, limits) && created != 1) {
                    throw new StorageException(
                            StorageException.Reason.DUPLICATE, "start a flow failed: a live flow has this id");
                }
                return List.copyOf(ordered);
            }
        });
    }

    /** Binds {@link #startFlowSql}'s parameters in its order: counters, limits, then the flow. */
    private static void bindStartFlow(
            PreparedStatement statement,
            FlowRecord flow,
            List<String> keys,
            List<Long> limits,
            Instant windowStart,
            Instant expiresAt,
            Instant now)
            throws SQLException {
        int i = 0;
        for (String key : keys) {
            statement.setString(++i, key);
            Timestamps.bind(statement, ++i, windowStart);
            Timestamps.bind(statement, ++i, expiresAt);
        }
        for (int k = 0; k < keys.size(); k++) {
            statement.setString(++i, keys.get(k));
            statement.setLong(++i, limits.get(k));
        }
        statement.setString(++i, flow.flowId());
        statement.setLong(++i, flow.version());
        Timestamps.bind(statement, ++i, flow.expiresAt());
        statement.setString(++i, flow.payload());
        Timestamps.bind(statement, ++i, now);
    }

    /** The returned counts in the order of {@code keys}; a key the database left out is an error. */
    private static List<Long> inKeyOrder(Map<String, Long> counts, List<String> keys) throws SQLException {
        List<Long> ordered = new ArrayList<>(keys.size());
        for (String key : keys) {
            Long count = counts.get(key);
            if (count == null) {
                throw new SQLDataException("the database returned no count for a throttle key");
            }
            ordered.add(count);
        }
        return ordered;
    }

    /**
     * The statement of {@link #startFlow} for {@code keyCount} keys: upsert the counters, take each
     * key's limit from a {@code VALUES} list, insert the flow only if no count is over its limit,
     * and return the counts with whether the flow was inserted.
     */
    private String startFlowSql(int keyCount) {
        StringBuilder sql = new StringBuilder("WITH t AS (INSERT INTO ")
                .append(throttleTable)
                .append(" AS c (throttle_key, window_start, hits, expires_at) VALUES ");
        for (int i = 0; i < keyCount; i++) {
            sql.append(i == 0 ? "(?, ?, 1, ?)" : ", (?, ?, 1, ?)");
        }
        sql.append(" ON CONFLICT (throttle_key, window_start) DO UPDATE SET hits = c.hits + 1,")
                .append(" expires_at = GREATEST(c.expires_at, EXCLUDED.expires_at) RETURNING throttle_key, hits)")
                .append(", l (throttle_key, max_hits) AS (VALUES ");
        for (int i = 0; i < keyCount; i++) {
            sql.append(i == 0 ? "(CAST(? AS VARCHAR), CAST(? AS BIGINT))" : ", (?, ?)");
        }
        sql.append("), n AS (INSERT INTO ")
                .append(flowTable)
                .append(" AS f (flow_id, version, expires_at, payload) SELECT ?, ?, ?, ?")
                .append(" WHERE NOT EXISTS (SELECT 1 FROM t JOIN l ON l.throttle_key = t.throttle_key")
                .append(" WHERE t.hits > l.max_hits)")
                .append(" ON CONFLICT (flow_id) DO UPDATE SET version = EXCLUDED.version,")
                .append(" expires_at = EXCLUDED.expires_at, payload = EXCLUDED.payload WHERE f.expires_at <= ?")
                .append(" RETURNING 1) SELECT t.throttle_key, t.hits, (SELECT count(*) FROM n) FROM t");
        return sql.toString();
    }

    private static boolean withinLimits(List<Long> counts, List<Long> limits) {
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i) > limits.get(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean commitInOneStatement(Connection connection, FlowRecord updated, StepWrites writes, Instant now)
            throws SQLException {
        StringBuilder sql = new StringBuilder(flowUpdate);
        if (!writes.credentialUses().isEmpty()) {
            sql.append(useUpdate);
        }
        if (!writes.attempts().isEmpty()) {
            sql.append(attemptInsert);
        }
        sql.append(" SELECT count(*) FROM f");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            statement.setLong(1, updated.version());
            Timestamps.bind(statement, 2, updated.expiresAt());
            statement.setString(3, updated.payload());
            statement.setString(4, updated.flowId());
            statement.setLong(5, updated.version() - 1);
            Timestamps.bind(statement, 6, now);
            int next = 7;
            for (StepWrites.CredentialUse use : writes.credentialUses()) {
                statement.setLong(next, use.signatureCount());
                statement.setBoolean(next + 1, use.backupState());
                Timestamps.bind(statement, next + 2, use.usedAt());
                Params.setString(statement, next + 3, use.usedOn().deviceId());
                Params.setString(statement, next + 4, use.usedOn().platform());
                Params.setString(statement, next + 5, use.usedOn().browser());
                statement.setBytes(next + 6, use.credentialId().toByteArray());
                next += 7;
            }
            for (LoginAttempt attempt : writes.attempts()) {
                JdbcLoginAttemptRepository.bind(statement, next, attempt);
                next += 11;
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getLong(1) == 1;
            }
        }
    }
}
