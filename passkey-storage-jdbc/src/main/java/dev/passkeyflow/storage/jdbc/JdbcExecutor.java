package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs JDBC work on a connection borrowed from the host's {@link DataSource} and returns it at
 * once; translates every {@link SQLException} into a {@link StorageException}.
 *
 * <p>Messages name the operation and the SQLState only: driver messages can quote the values of a
 * row, so they stay in the cause, for the host to log or not.
 */
final class JdbcExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcExecutor.class);

    private final DataSource dataSource;

    JdbcExecutor(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Runs work that issues a single statement (or only reads). On a connection in auto-commit
     * mode the statement commits by itself; on one that the host hands out with auto-commit off,
     * the work is committed (or rolled back) here so that no transaction is left open.
     */
    <T> T run(String operation, SqlWork<T> work) {
        Connection connection = borrow(operation);
        try {
            if (connection.getAutoCommit()) {
                return work.run(connection);
            }
            return commitOrRollback(connection, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        } finally {
            release(connection);
        }
    }

    /**
     * Runs work that issues several statements in one transaction: all of it is committed, or
     * none of it. The connection's auto-commit mode is restored afterwards.
     */
    <T> T inTransaction(String operation, SqlWork<T> work) {
        Connection connection = borrow(operation);
        boolean restoreAutoCommit = false;
        try {
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
                restoreAutoCommit = true;
            }
            return commitOrRollback(connection, work);
        } catch (SQLException e) {
            throw translate(operation, e);
        } finally {
            if (restoreAutoCommit) {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException e) {
                    // The transaction has already ended; a broken connection is the pool's business.
                    LOG.debug("could not restore auto-commit after {} (SQLState {})", operation, e.getSQLState());
                }
            }
            release(connection);
        }
    }

    /**
     * Runs a batched purge until a batch deletes fewer rows than {@code batchSize}: each batch is
     * one statement, so no purge holds long locks. The statement takes the bound twice (the
     * outer condition and the subquery's) and the batch size as parameters 1, 2 and 3.
     *
     * @return how many rows were deleted, capped at {@link Integer#MAX_VALUE}
     */
    int purgeInBatches(String operation, String purgeBatch, Instant bound, int batchSize) {
        long total = 0;
        while (true) {
            int deleted = run(operation, connection -> {
                try (PreparedStatement statement = connection.prepareStatement(purgeBatch)) {
                    Timestamps.bind(statement, 1, bound);
                    Timestamps.bind(statement, 2, bound);
                    statement.setInt(3, batchSize);
                    return statement.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < batchSize) {
                return (int) Math.min(total, Integer.MAX_VALUE);
            }
        }
    }

    private static <T> T commitOrRollback(Connection connection, SqlWork<T> work) throws SQLException {
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    private Connection borrow(String operation) {
        try {
            Connection connection = dataSource.getConnection();
            if (connection == null) {
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE,
                        operation + " failed: the DataSource returned no connection");
            }
            return connection;
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    private static void release(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // The work has completed (or failed with its own exception): closing is best effort.
            LOG.debug("could not close a connection (SQLState {})", e.getSQLState());
        }
    }

    /**
     * Translates a driver failure: a unique violation is {@code DUPLICATE}, a foreign key violation
     * {@code NOT_FOUND} (the referenced row is missing), anything else {@code UNAVAILABLE}.
     */
    static StorageException translate(String operation, SQLException e) {
        String state = sqlState(e);
        StorageException.Reason reason;
        if (SqlStates.UNIQUE_VIOLATION.equals(state)) {
            reason = StorageException.Reason.DUPLICATE;
        } else if (SqlStates.isForeignKeyViolation(state)) {
            reason = StorageException.Reason.NOT_FOUND;
        } else {
            reason = StorageException.Reason.UNAVAILABLE;
        }
        return new StorageException(reason, operation + " failed (SQLState " + state + ")", e);
    }

    /** The SQLState of the exception, or of the first chained exception that has one. */
    static @Nullable String sqlState(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (current.getSQLState() != null) {
                return current.getSQLState();
            }
        }
        return null;
    }

    /** Whether the driver reports a unique-constraint violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    static boolean isUniqueViolation(SQLException e) {
        return SqlStates.UNIQUE_VIOLATION.equals(sqlState(e));
    }
}
