package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StoredCredential;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

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
final class JdbcAtomicStepRepository implements AtomicStepRepository {

    private final JdbcExecutor executor;
    private final boolean singleStatement;
    private final String flowUpdate;
    private final String useUpdate;
    private final String attemptInsert;
    private final JdbcFlowStateRepository flows;
    private final JdbcCredentialRepository credentials;
    private final JdbcLoginAttemptRepository attempts;

    JdbcAtomicStepRepository(JdbcExecutor executor, Dialect dialect, Tables tables, JdbcFlowStateRepository flows,
            JdbcCredentialRepository credentials, JdbcLoginAttemptRepository attempts) {
        this.executor = executor;
        this.singleStatement = dialect == Dialect.POSTGRESQL;
        this.flowUpdate = "WITH f AS (UPDATE " + tables.flows + " SET version = ?, expires_at = ?, payload = ?"
                + " WHERE flow_id = ? AND version = ? AND expires_at > ? RETURNING 1)";
        this.useUpdate = ", u AS (UPDATE " + tables.credentials + " SET signature_count = ?, backup_state = ?,"
                + " last_used_at = ?, last_used_on_known = TRUE, last_used_device_id = ?, last_used_platform = ?,"
                + " last_used_browser = ? WHERE credential_id = ? AND EXISTS (SELECT 1 FROM f) RETURNING 1)";
        this.attemptInsert = ", a AS (INSERT INTO " + tables.loginAttempts + " ("
                + JdbcLoginAttemptRepository.COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM f) ON CONFLICT DO NOTHING RETURNING 1)";
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
        if (singleStatement && writes.newCredentials().isEmpty() && writes.statusChanges().isEmpty()
                && writes.credentialUses().size() <= 1 && writes.attempts().size() <= 1) {
            return executor.run("commit a login step", connection -> commitInOneStatement(connection, updated,
                    writes, now));
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
