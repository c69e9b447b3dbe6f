package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.Bytes;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.jspecify.annotations.Nullable;

/** Binds nullable statement parameters. */
final class Params {

    private Params() {}

    static void setString(PreparedStatement statement, int index, @Nullable String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    static void setBytes(PreparedStatement statement, int index, @Nullable Bytes value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARBINARY);
        } else {
            statement.setBytes(index, value.toByteArray());
        }
    }
}
