package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC storage on PostgreSQL")
class PostgresJdbcStorageTest extends JdbcStorageTestBase {

    @Override
    TestDatabase openDatabase() {
        return PostgresTestDatabase.create();
    }
}
