package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.StorageException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The databases the JDBC storage supports. Each has its own schema files under
 * {@code db/passkeyflow/<id>/} on the classpath, written as Flyway versioned migrations.
 */
public enum Dialect {

    /** PostgreSQL 15 or later: for deployments with several application nodes. */
    POSTGRESQL("postgresql", true) {
        @Override
        String upsertUser(Tables tables) {
            return "INSERT INTO " + tables.users + " (user_handle, identifier, display_name) VALUES (?, ?, ?)"
                    + " ON CONFLICT (user_handle) DO UPDATE"
                    + " SET identifier = EXCLUDED.identifier, display_name = EXCLUDED.display_name";
        }
    },

    /** H2 2.x, in any compatibility mode: the embedded choice for a single node and for tests. */
    H2("h2", false) {
        @Override
        String upsertUser(Tables tables) {
            return "MERGE INTO " + tables.users + " (user_handle, identifier, display_name) KEY (user_handle)"
                    + " VALUES (?, ?, ?)";
        }
    };

    /** The file name of the first (and so far only) schema version. */
    static final String SCHEMA_V1_FILE = "V1__passkeyflow_schema.sql";

    private final String id;
    private final boolean onConflictDoNothing;

    Dialect(String id, boolean onConflictDoNothing) {
        this.id = id;
        this.onConflictDoNothing = onConflictDoNothing;
    }

    /** The short lower-case name used in resource paths: {@code postgresql} or {@code h2}. */
    public String id() {
        return id;
    }

    /** The classpath folder with this dialect's migrations, e.g. {@code db/passkeyflow/postgresql}. */
    public String migrationFolder() {
        return "db/passkeyflow/" + id;
    }

    /**
     * The Flyway location of this dialect's migrations, e.g.
     * {@code classpath:db/passkeyflow/postgresql}.
     */
    public String flywayLocation() {
        return "classpath:" + migrationFolder();
    }

    /** The classpath resource of the version 1 schema, e.g. {@code db/passkeyflow/h2/V1__passkeyflow_schema.sql}. */
    public String schemaResource() {
        return migrationFolder() + "/" + SCHEMA_V1_FILE;
    }

    /**
     * Whether an {@code INSERT ... ON CONFLICT DO NOTHING} (and {@code DO UPDATE}) can be relied on.
     * H2 accepts {@code DO NOTHING} only in its PostgreSQL compatibility mode, so the H2 dialect,
     * which covers every mode, does without: there a duplicate key fails its statement alone (H2
     * rolls back the failed statement, not the transaction) and the caller handles the violation.
     */
    boolean onConflictDoNothing() {
        return onConflictDoNothing;
    }

    /** An upsert of (user_handle, identifier, display_name) keyed by user handle. */
    abstract String upsertUser(Tables tables);

    /**
     * The dialect for a JDBC {@link DatabaseMetaData#getDatabaseProductName() product name}.
     *
     * @throws IllegalArgumentException if the product is neither PostgreSQL nor H2
     */
    public static Dialect fromProductName(String productName) {
        Objects.requireNonNull(productName, "productName");
        String name = productName.trim().toLowerCase(Locale.ROOT);
        if (name.equals("postgresql")) {
            return POSTGRESQL;
        }
        if (name.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException(
                "unsupported database '" + productName + "': passkey-storage-jdbc supports PostgreSQL and H2");
    }

    /**
     * Detects the dialect of a data source from its {@link DatabaseMetaData}; borrows one connection
     * and returns it at once.
     *
     * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
     * @throws StorageException with {@link StorageException.Reason#UNAVAILABLE} if no connection
     *     could be had or the metadata could not be read
     */
    public static Dialect detect(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        String productName =
                new JdbcExecutor(dataSource).run("detect the database dialect", connection -> productName(connection));
        return fromProductName(productName);
    }

    private static String productName(Connection connection) throws SQLException {
        String name = connection.getMetaData().getDatabaseProductName();
        return name == null ? "" : name;
    }
}
