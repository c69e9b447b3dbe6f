package dev.passkeyflow.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the passkeyflow tables for quick starts and tests, from the same SQL file that Flyway
 * would apply ({@link Dialect#schemaResource()}), with the table prefix swapped in.
 *
 * <p>Applying it again is harmless: every statement is {@code CREATE ... IF NOT EXISTS}, so
 * existing tables and their rows are left alone. It never alters an existing table; applications
 * that manage their schema with Flyway or Liquibase should use the migration files instead (see
 * {@link Dialect#flywayLocation()}).
 *
 * <p>On PostgreSQL the whole file runs in one transaction under a transaction-scoped advisory lock
 * ({@value #POSTGRESQL_ADVISORY_LOCK_KEY}), so several nodes starting at once do not trip over each
 * other. On H2 each statement commits by itself, and applications in one JVM apply the schema one
 * at a time (H2's {@code CREATE INDEX IF NOT EXISTS} is not safe against a concurrent twin).
 */
public final class SchemaInitializer {

    /** The key of the PostgreSQL advisory lock held while the schema is applied: {@value}. */
    public static final long POSTGRESQL_ADVISORY_LOCK_KEY = 0x706b_666c_6f77_0001L;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaInitializer.class);

    /** Serialises H2 initialisations within this JVM. */
    private static final Object H2_LOCK = new Object();

    private SchemaInitializer() {}

    /**
     * Creates the tables and indexes that do not exist yet.
     *
     * @param dataSource where to create them; one connection is borrowed and returned
     * @param dialect the database's dialect
     * @param tablePrefix the table prefix, as for {@link JdbcStorage.Builder#tablePrefix(String)}
     * @throws IllegalArgumentException if the prefix is not valid
     * @throws dev.passkeyflow.storage.StorageException with reason {@code UNAVAILABLE} if a
     *     statement fails (on PostgreSQL nothing of the file is then applied)
     */
    public static void apply(DataSource dataSource, Dialect dialect, String tablePrefix) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        List<String> statements = statements(dialect, tablePrefix);
        JdbcExecutor executor = new JdbcExecutor(dataSource);
        String operation = "apply the passkeyflow schema";
        if (dialect == Dialect.POSTGRESQL) {
            executor.inTransaction(operation, connection -> {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, POSTGRESQL_ADVISORY_LOCK_KEY);
                    lock.execute();
                }
                return execute(connection, statements);
            });
        } else {
            synchronized (H2_LOCK) {
                executor.run(operation, connection -> execute(connection, statements));
            }
        }
        LOG.info("passkeyflow schema version 1 applied ({}, table prefix {})", dialect.id(), tablePrefix);
    }

    /**
     * The statements of the version 1 schema for a dialect, with {@code passkeyflow_} replaced by
     * {@code tablePrefix} in every table, constraint and index name.
     *
     * @throws IllegalArgumentException if the prefix is not valid
     */
    public static List<String> statements(Dialect dialect, String tablePrefix) {
        Objects.requireNonNull(dialect, "dialect");
        Tables.validatePrefix(tablePrefix);
        List<String> statements = new ArrayList<>();
        for (String statement : split(readResource(dialect.schemaResource()))) {
            statements.add(statement.replace(Tables.FILE_PREFIX, tablePrefix));
        }
        return List.copyOf(statements);
    }

    private static Void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return null;
    }

    private static String readResource(String resource) {
        try (InputStream in = SchemaInitializer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema resource " + resource, e);
        }
    }

    /**
     * Splits a SQL script into statements at semicolons, dropping {@code --} comments. Single-quoted
     * literals are kept whole (the schema files have none, but a semicolon in one must not split).
     */
    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inLiteral = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (inLiteral) {
                current.append(c);
                if (c == '\'') {
                    inLiteral = false; // a doubled quote re-opens on the next character
                }
            } else if (c == '\'') {
                inLiteral = true;
                current.append(c);
            } else if (c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end - 1;
            } else if (c == ';') {
                addStatement(statements, current);
            } else {
                current.append(c);
            }
        }
        addStatement(statements, current);
        return statements;
    }

    private static void addStatement(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }
}
