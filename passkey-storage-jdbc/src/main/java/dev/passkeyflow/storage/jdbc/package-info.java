/**
 * JDBC storage for passkeyflow: the storage SPI repositories (credentials, login attempts, flows,
 * throttling counters) and atomic step commits over a {@link javax.sql.DataSource} supplied by the
 * host, in plain JDBC, for PostgreSQL 15+ (multi-node deployments) and H2 2.x
 * (embedded).
 *
 * <p>Start with {@link dev.passkeyflow.storage.jdbc.JdbcStorage#builder()}. The schema ships as
 * versioned SQL files per {@link dev.passkeyflow.storage.jdbc.Dialect}, usable as Flyway
 * migrations or through {@link dev.passkeyflow.storage.jdbc.SchemaInitializer}.
 *
 * <p>Instants are stored truncated to whole microseconds (the precision of PostgreSQL's
 * {@code timestamptz}), in both dialects; every value read back is the truncated one. Every
 * {@link java.sql.SQLException} is reported as a {@link dev.passkeyflow.storage.StorageException}
 * that keeps it as the cause.
 */
@NullMarked
package dev.passkeyflow.storage.jdbc;

import org.jspecify.annotations.NullMarked;
