package dev.passkeyflow.storage.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * Instants to and from the database: stored in UTC, truncated to whole microseconds.
 *
 * <p>Stored values are therefore always whole microseconds. Bounds given by callers are rounded so
 * that a comparison against the stored value gives the same answer as the same comparison of the
 * full-precision instants would give for the stored value: {@code stored > now} equals
 * {@code stored > floor(now)}, and {@code stored >= since} equals {@code stored >= ceil(since)}.
 */
final class Timestamps {

    private Timestamps() {}

    /** The instant as it is stored: truncated to whole microseconds. */
    static Instant stored(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The smallest whole microsecond at or after {@code instant}. */
    static Instant ceilToMicros(Instant instant) {
        Instant floor = stored(instant);
        return floor.equals(instant) ? floor : floor.plus(1, ChronoUnit.MICROS);
    }

    /** Binds {@code instant} truncated to whole microseconds; {@code null} binds SQL NULL. */
    static void bind(PreparedStatement statement, int index, @Nullable Instant instant) throws SQLException {
        if (instant == null) {
            statement.setObject(index, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(stored(instant), ZoneOffset.UTC));
        }
    }

    static @Nullable Instant read(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Instant readRequired(ResultSet row, String column) throws SQLException {
        Instant value = read(row, column);
        if (value == null) {
            throw new java.sql.SQLDataException("column " + column + " is NULL");
        }
        return value;
    }
}
