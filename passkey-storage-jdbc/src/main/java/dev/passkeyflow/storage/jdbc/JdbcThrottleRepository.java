package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.ThrottleRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ThrottleRepository} over the {@code throttle_counters} table: one row per key and window
 * start, primary key {@code (throttle_key, window_start)}.
 *
 * <p>An increment adds to the stored row under the database's row lock, so concurrent increments
 * from any number of nodes are each counted once. A key named {@code n} times in one call is
 * added {@code n} at once; its positions get consecutive counts. Keys are written in sorted order,
 * so two calls naming the same keys in different orders cannot deadlock.
 *
 * <ul>
 *   <li>PostgreSQL: one statement per call, {@code INSERT ... VALUES (...), (...) ON CONFLICT
 *       (throttle_key, window_start) DO UPDATE SET hits = hits + EXCLUDED.hits ... RETURNING}.</li>
 *   <li>H2: one transaction per call; per key an {@code UPDATE ... SET hits = hits + ?}, an
 *       {@code INSERT} when no row was updated (retried as an update when a concurrent insert won),
 *       and a {@code SELECT} of the new count, read under the row lock the update holds.</li>
 * </ul>
 *
 * <p>A counter's {@code expires_at} is the latest {@code expiresAt} any increment gave it. The
 * window start is stored truncated to whole microseconds, so window starts that differ by less
 * than a microsecond share a counter.
 */
final class JdbcThrottleRepository implements ThrottleRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcThrottleRepository.class);

    /** How often an H2 increment retries after losing the race to create a counter. */
    private static final int MAX_H2_ATTEMPTS = 10;

    private final JdbcExecutor executor;
    private final Dialect dialect;
    private final String table;
    private final int purgeBatchSize;
    private final String update;
    private final String insert;
    private final String selectOne;
    private final String purgeBatch;

    JdbcThrottleRepository(JdbcExecutor executor, Dialect dialect, Tables tables, int purgeBatchSize) {
        this.executor = executor;
        this.dialect = dialect;
        this.table = tables.throttleCounters;
        this.purgeBatchSize = purgeBatchSize;
        this.update = "UPDATE " + table + " SET hits = hits + ?, expires_at = GREATEST(expires_at, ?)"
                + " WHERE throttle_key = ? AND window_start = ?";
        this.insert = "INSERT INTO " + table + " (throttle_key, window_start, hits, expires_at) VALUES (?, ?, ?, ?)";
        this.selectOne = "SELECT hits FROM " + table + " WHERE throttle_key = ? AND window_start = ?";
        // The outer condition is repeated so that a counter whose expiry was extended since the
        // subquery read it is judged again (PostgreSQL re-checks the outer WHERE on rows it waited for).
        this.purgeBatch = "DELETE FROM " + table + " WHERE expires_at <= ? AND (throttle_key, window_start) IN"
                + " (SELECT throttle_key, window_start FROM " + table + " WHERE expires_at <= ? LIMIT ?)";
    }

    @Override
    public List<Long> increment(List<String> keys, Instant windowStart, Instant expiresAt) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(expiresAt, "expiresAt");
        keys.forEach(JdbcThrottleRepository::checkKey);
        if (keys.isEmpty()) {
            return List.of();
        }
        // Sorted distinct keys, each with how often it was named.
        TreeMap<String, Integer> added = new TreeMap<>();
        for (String key : keys) {
            added.merge(key, 1, Integer::sum);
        }
        Map<String, Long> totals = dialect.onConflictDoNothing()
                ? executor.run(
                        "count a throttled event", connection -> upsert(connection, added, windowStart, expiresAt))
                : executor.inTransaction(
                        "count a throttled event",
                        connection -> updateOrInsert(connection, added, windowStart, expiresAt));
        // The i-th naming of a key named n times gets total - n + 1 + i.
        Map<String, Integer> seen = new HashMap<>();
        List<Long> counts = new ArrayList<>(keys.size());
        for (String key : keys) {
            int position = seen.merge(key, 1, Integer::sum) - 1;
            Long total = totals.get(key);
            if (total == null) {
                throw new IllegalStateException("the database returned no count for a throttle key");
            }
            // Every key of keys is in added (it was built from keys).
            int namings = Objects.requireNonNull(added.get(key));
            counts.add(total - namings + 1 + position);
        }
        return List.copyOf(counts);
    }

    private Map<String, Long> upsert(
            Connection connection, SortedMap<String, Integer> added, Instant windowStart, Instant expiresAt)
            throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ")
                .append(table)
                .append(" AS c (throttle_key, window_start, hits, expires_at) VALUES ");
        for (int i = 0; i < added.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
        }
        sql.append(" ON CONFLICT (throttle_key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits,")
                .append(" expires_at = GREATEST(c.expires_at, EXCLUDED.expires_at) RETURNING throttle_key, hits");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int i = 0;
            for (Map.Entry<String, Integer> entry : added.entrySet()) {
                statement.setString(++i, entry.getKey());
                Timestamps.bind(statement, ++i, windowStart);
                statement.setLong(++i, entry.getValue());
                Timestamps.bind(statement, ++i, expiresAt);
            }
            Map<String, Long> totals = new HashMap<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    totals.put(row.getString(1), row.getLong(2));
                }
            }
            return totals;
        }
    }

    private Map<String, Long> updateOrInsert(
            Connection connection, SortedMap<String, Integer> added, Instant windowStart, Instant expiresAt)
            throws SQLException {
        Map<String, Long> totals = new HashMap<>();
        try (PreparedStatement updating = connection.prepareStatement(update);
                PreparedStatement inserting = connection.prepareStatement(insert);
                PreparedStatement selecting = connection.prepareStatement(selectOne)) {
            for (Map.Entry<String, Integer> entry : added.entrySet()) {
                String key = entry.getKey();
                int hits = entry.getValue();
                for (int attempt = 1; ; attempt++) {
                    updating.setLong(1, hits);
                    Timestamps.bind(updating, 2, expiresAt);
                    updating.setString(3, key);
                    Timestamps.bind(updating, 4, windowStart);
                    if (updating.executeUpdate() == 1) {
                        break;
                    }
                    inserting.setString(1, key);
                    Timestamps.bind(inserting, 2, windowStart);
                    inserting.setLong(3, hits);
                    Timestamps.bind(inserting, 4, expiresAt);
                    try {
                        inserting.executeUpdate();
                        break;
                    } catch (SQLException e) {
                        // Another transaction created the counter first (H2 fails only this
                        // statement): add to its row instead.
                        if (!JdbcExecutor.isUniqueViolation(e) || attempt >= MAX_H2_ATTEMPTS) {
                            throw e;
                        }
                    }
                }
                selecting.setString(1, key);
                Timestamps.bind(selecting, 2, windowStart);
                try (ResultSet row = selecting.executeQuery()) {
                    if (!row.next()) {
                        throw new SQLDataException("a throttle counter vanished while it was counted");
                    }
                    totals.put(key, row.getLong(1));
                }
            }
        }
        return totals;
    }

    @Override
    public List<Long> read(List<String> keys, Instant windowStart) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(windowStart, "windowStart");
        keys.forEach(JdbcThrottleRepository::checkKey);
        if (keys.isEmpty()) {
            return List.of();
        }
        List<String> distinct = keys.stream().distinct().toList();
        StringBuilder sql = new StringBuilder("SELECT throttle_key, hits FROM ")
                .append(table)
                .append(" WHERE window_start = ? AND throttle_key IN (");
        for (int i = 0; i < distinct.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        Map<String, Long> found = executor.run("read throttle counters", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                Timestamps.bind(statement, 1, windowStart);
                for (int i = 0; i < distinct.size(); i++) {
                    statement.setString(i + 2, distinct.get(i));
                }
                Map<String, Long> counts = new HashMap<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        counts.put(row.getString(1), row.getLong(2));
                    }
                }
                return counts;
            }
        });
        List<Long> counts = new ArrayList<>(keys.size());
        for (String key : keys) {
            counts.add(found.getOrDefault(key, 0L));
        }
        return List.copyOf(counts);
    }

    /**
     * Deletes expired counters in batches of at most the purge batch size, one short transaction
     * each. {@code expires_at <= now} on whole-microsecond stored values equals the same comparison
     * with {@code now} truncated to whole microseconds.
     */
    @Override
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        Instant bound = Timestamps.stored(now);
        int purged = executor.purgeInBatches("purge expired throttle counters", purgeBatch, bound, purgeBatchSize);
        LOG.debug("purged {} expired throttle counters", purged);
        return purged;
    }

    static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "a throttle key must be 1 to " + MAX_KEY_LENGTH + " non-blank characters, was " + key.length());
        }
    }
}
