package dev.passkeyflow.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A fresh schema with a random name on the server named by {@link PostgresTestSupport}, reached
 * through a small HikariCP pool whose connections use that schema. {@link #close()} closes the
 * pool and drops the schema.
 */
final class PostgresTestDatabase implements TestDatabase {

    private final String url;
    private final String schema;
    private final HikariDataSource pool;

    private PostgresTestDatabase(String url, String schema, HikariDataSource pool) {
        this.url = url;
        this.schema = schema;
        this.pool = pool;
    }

    /** Creates the schema and the pool; skips the test (fails it on CI) when no server is configured. */
    static PostgresTestDatabase create() {
        String url = PostgresTestSupport.requireUrl();
        String schema = "pkf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test schema " + schema + " at " + url, e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setSchema(schema);
        config.setPoolName("pkf-" + schema);
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        return new PostgresTestDatabase(url, schema, new HikariDataSource(config));
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    String url() {
        return url;
    }

    String schema() {
        return schema;
    }

    /** A new connection outside the pool, using the test schema. */
    Connection directConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        connection.setSchema(schema);
        return connection;
    }

    @Override
    public void close() {
        pool.close();
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }
}
