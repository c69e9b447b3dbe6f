package dev.passkeyflow.storage.jdbc;

import javax.sql.DataSource;

/** An empty database of its own for one test; closing it drops everything. */
interface TestDatabase extends AutoCloseable {

    DataSource dataSource();

    Dialect dialect();

    @Override
    void close();
}
