package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FlowStateRepository} over the {@code flows} table.
 *
 * <p>Expiry is judged by the injected clock: every statement that must ignore expired flows binds
 * {@code now} from the clock (truncated to whole microseconds, which for whole-microsecond stored
 * values gives exactly the answer of the full-precision comparison) and never uses the database's
 * own clock. A flow exists while {@code expires_at > now}.
 *
 * <p>{@link #update(FlowRecord)} is a single conditional {@code UPDATE} on id, expected version and
 * expiry; the database's row lock makes exactly one of several concurrent writers of the same
 * version see one updated row.
 */
final class JdbcFlowStateRepository implements FlowStateRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcFlowStateRepository.class);

    private final JdbcExecutor executor;
    private final Clock clock;
    private final int purgeBatchSize;
    private final String deleteExpiredById;
    private final String insert;
    private final @Nullable String upsertUnlessLive;
    private final String selectLive;
    private final String update;
    private final String delete;
    private final String purgeBatch;

    JdbcFlowStateRepository(JdbcExecutor executor, Dialect dialect, Tables tables, Clock clock, int purgeBatchSize) {
        this.executor = executor;
        this.clock = clock;
        this.purgeBatchSize = purgeBatchSize;
        String table = tables.flows;
        this.deleteExpiredById = "DELETE FROM " + table + " WHERE flow_id = ? AND expires_at <= ?";
        this.insert = "INSERT INTO " + table + " (flow_id, version, expires_at, payload) VALUES (?, ?, ?, ?)";
        // PostgreSQL: one statement, so a start costs one round trip. An expired flow with the same id
        // is replaced in place; a live one is left alone and no row is reported.
        this.upsertUnlessLive = dialect.onConflictDoNothing()
                ? insert + " ON CONFLICT (flow_id) DO UPDATE SET version = EXCLUDED.version,"
                        + " expires_at = EXCLUDED.expires_at, payload = EXCLUDED.payload"
                        + " WHERE " + table + ".expires_at <= ?"
                : null;
        this.selectLive = "SELECT version, expires_at, payload FROM " + table + " WHERE flow_id = ? AND expires_at > ?";
        this.update = "UPDATE " + table + " SET version = ?, expires_at = ?, payload = ?"
                + " WHERE flow_id = ? AND version = ? AND expires_at > ?";
        this.delete = "DELETE FROM " + table + " WHERE flow_id = ?";
        // The outer condition is repeated so that a flow updated since the subquery read it is
        // judged again (PostgreSQL re-checks the outer WHERE of a DELETE on rows it waited for).
        this.purgeBatch = "DELETE FROM " + table + " WHERE expires_at <= ? AND flow_id IN (SELECT flow_id FROM " + table
                + " WHERE expires_at <= ? LIMIT ?)";
    }

    /**
     * Creates the flow in one transaction: an expired flow with the same id is deleted first, then
     * the new row inserted. A live flow with the same id makes the insert fail on the primary key,
     * which rolls the transaction back and is reported as
     * {@link dev.passkeyflow.storage.StorageException.Reason#DUPLICATE}.
     */
    @Override
    public void create(FlowRecord flow) {
        Objects.requireNonNull(flow, "flow");
        if (flow.version() != 0) {
            throw new IllegalArgumentException("a new flow must have version 0, was " + flow.version());
        }
        Instant now = now();
        if (upsertUnlessLive != null) {
            int rows = executor.run("create a flow", connection -> {
                try (PreparedStatement statement = connection.prepareStatement(upsertUnlessLive)) {
                    statement.setString(1, flow.flowId());
                    statement.setLong(2, flow.version());
                    Timestamps.bind(statement, 3, flow.expiresAt());
                    statement.setString(4, flow.payload());
                    Timestamps.bind(statement, 5, now);
                    return statement.executeUpdate();
                }
            });
            if (rows != 1) {
                throw new StorageException(
                        StorageException.Reason.DUPLICATE, "create a flow failed: a live flow has this id");
            }
            return;
        }
        executor.inTransaction("create a flow", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(deleteExpiredById)) {
                statement.setString(1, flow.flowId());
                Timestamps.bind(statement, 2, now);
                statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                statement.setString(1, flow.flowId());
                statement.setLong(2, flow.version());
                Timestamps.bind(statement, 3, flow.expiresAt());
                statement.setString(4, flow.payload());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Optional<FlowRecord> load(String flowId) {
        Objects.requireNonNull(flowId, "flowId");
        Instant now = now();
        return executor.run("load a flow", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectLive)) {
                statement.setString(1, flowId);
                Timestamps.bind(statement, 2, now);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(readFlow(flowId, row));
                }
            }
        });
    }

    @Override
    public boolean update(FlowRecord updated) {
        checkUpdate(updated);
        Instant now = now();
        return executor.run("update a flow", connection -> update(connection, updated, now));
    }

    static void checkUpdate(FlowRecord updated) {
        Objects.requireNonNull(updated, "updated");
        if (updated.version() == 0) {
            throw new IllegalArgumentException("an updated flow must have a version above 0");
        }
    }

    /**
     * The conditional update on the caller's connection and transaction: one statement that
     * matches only the live flow at {@code updated.version() - 1}; the row lock it takes makes a
     * concurrent writer of the same version wait and then match nothing.
     *
     * @param now the clock's instant as {@link #now()} gives it
     */
    boolean update(Connection connection, FlowRecord updated, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            statement.setLong(1, updated.version());
            Timestamps.bind(statement, 2, updated.expiresAt());
            statement.setString(3, updated.payload());
            statement.setString(4, updated.flowId());
            statement.setLong(5, updated.version() - 1);
            Timestamps.bind(statement, 6, now);
            return statement.executeUpdate() == 1;
        }
    }

    @Override
    public boolean delete(String flowId) {
        Objects.requireNonNull(flowId, "flowId");
        return executor.run("delete a flow", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(delete)) {
                statement.setString(1, flowId);
                return statement.executeUpdate() > 0;
            }
        });
    }

    /** Deletes expired flows in batches of at most the purge batch size, one short transaction each. */
    @Override
    public int purgeExpired() {
        Instant now = now();
        int purged = executor.purgeInBatches("purge expired flows", purgeBatch, now, purgeBatchSize);
        LOG.debug("purged {} expired flows", purged);
        return purged;
    }

    /** The clock's instant as the statements compare it: truncated to whole microseconds. */
    Instant now() {
        return Timestamps.stored(clock.instant());
    }

    static FlowRecord readFlow(String flowId, ResultSet row) throws SQLException {
        try {
            return new FlowRecord(
                    flowId,
                    row.getLong("version"),
                    Timestamps.readRequired(row, "expires_at"),
                    row.getString("payload"));
        } catch (RuntimeException e) {
            throw new SQLDataException("a stored flow row is not valid", e);
        }
    }
}
