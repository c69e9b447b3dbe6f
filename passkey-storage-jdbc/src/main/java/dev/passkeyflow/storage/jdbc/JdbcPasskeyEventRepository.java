package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.PasskeyEventRepository;
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
 * {@link PasskeyEventRepository} over the {@code passkey_events} table. Each read is one index range
 * scan on the account or the device, newest first, cut by {@code LIMIT}; expired rows are filtered
 * out and purged in batches.
 */
final class JdbcPasskeyEventRepository implements PasskeyEventRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcPasskeyEventRepository.class);

    private static final String COLUMNS = "event_id, user_handle, device_id, kind, event_type, event_at, expires_at";

    private final JdbcExecutor executor;
    private final Dialect dialect;
    private final int purgeBatchSize;
    private final String insert;
    private final String byUser;
    private final String byDevice;
    private final String purgeBatch;

    JdbcPasskeyEventRepository(JdbcExecutor executor, Dialect dialect, Tables tables, int purgeBatchSize) {
        this.executor = executor;
        this.dialect = dialect;
        this.purgeBatchSize = purgeBatchSize;
        String table = tables.passkeyEvents;
        this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                + (dialect.onConflictDoNothing() ? " ON CONFLICT DO NOTHING" : "");
        this.byUser = window(table, "user_handle");
        this.byDevice = window(table, "device_id");
        this.purgeBatch = "DELETE FROM " + table + " WHERE expires_at <= ? AND seq IN (SELECT seq FROM " + table
                + " WHERE expires_at <= ? LIMIT ?)";
    }

    private static String window(String table, String key) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE " + key + " = ? AND expires_at > ?"
                + " ORDER BY event_at DESC, seq DESC LIMIT ?";
    }

    @Override
    public void append(PasskeyEvent event) {
        Objects.requireNonNull(event, "event");
        executor.run("append a passkey event", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                statement.setString(1, event.eventId());
                statement.setBytes(2, event.userHandle().toByteArray());
                Params.setString(statement, 3, event.deviceId());
                statement.setString(4, event.kind());
                statement.setString(5, event.type().name());
                Timestamps.bind(statement, 6, event.at());
                Timestamps.bind(statement, 7, event.expiresAt());
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    // H2 has no ON CONFLICT: a unique violation on event_id means "stored already".
                    if (dialect.onConflictDoNothing() || !JdbcExecutor.isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
            return Boolean.TRUE;
        });
    }

    @Override
    public List<PasskeyEvent> activeByUser(Bytes userHandle, Instant now, int limit) {
        Objects.requireNonNull(userHandle, "userHandle");
        return query("read an account's passkey events", byUser, userHandle.toByteArray(), now, limit);
    }

    @Override
    public List<PasskeyEvent> activeByDevice(String deviceId, Instant now, int limit) {
        Objects.requireNonNull(deviceId, "deviceId");
        return query("read a device's passkey events", byDevice, deviceId, now, limit);
    }

    private List<PasskeyEvent> query(String operation, String sql, Object key, Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        Instant bound = Timestamps.stored(now);
        return executor.run(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (key instanceof byte[] bytes) {
                    statement.setBytes(1, bytes);
                } else {
                    statement.setString(1, (String) key);
                }
                Timestamps.bind(statement, 2, bound);
                statement.setInt(3, limit);
                try (ResultSet row = statement.executeQuery()) {
                    List<PasskeyEvent> events = new ArrayList<>();
                    while (row.next()) {
                        events.add(read(row));
                    }
                    return List.copyOf(events);
                }
            }
        });
    }

    @Override
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        int purged = executor.purgeInBatches(
                "purge expired passkey events", purgeBatch, Timestamps.stored(now), purgeBatchSize);
        LOG.debug("purged {} expired passkey events", purged);
        return purged;
    }

    private static PasskeyEvent read(ResultSet row) throws SQLException {
        try {
            return new PasskeyEvent(
                    row.getString("event_id"),
                    Bytes.of(row.getBytes("user_handle")),
                    row.getString("device_id"),
                    row.getString("kind"),
                    PasskeyEvent.Type.valueOf(row.getString("event_type")),
                    Timestamps.readRequired(row, "event_at"),
                    Timestamps.readRequired(row, "expires_at"));
        } catch (RuntimeException e) {
            throw new SQLDataException("a stored passkey event row is not valid", e);
        }
    }
}
