package dev.passkeyflow.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/** A fresh named in-memory H2 database; kept open until {@link #close()} shuts it down. */
final class H2TestDatabase implements TestDatabase {

    private final JdbcDataSource dataSource;

    private H2TestDatabase(@Nullable String mode) {
        String name = "pkf_" + UUID.randomUUID().toString().replace("-", "");
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + (mode == null ? "" : ";MODE=" + mode));
        dataSource.setUser("sa");
        dataSource.setPassword("");
    }

    /** A database in H2's own (default) mode. */
    static H2TestDatabase create() {
        return new H2TestDatabase(null);
    }

    /** A database in one of H2's compatibility modes, e.g. {@code PostgreSQL}. */
    static H2TestDatabase create(String mode) {
        return new H2TestDatabase(mode);
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Dialect dialect() {
        return Dialect.H2;
    }

    @Override
    public void close() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not shut the H2 test database down", e);
        }
    }
}
