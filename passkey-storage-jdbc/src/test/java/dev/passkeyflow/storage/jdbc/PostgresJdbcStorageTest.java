package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC storage on PostgreSQL")
class PostgresJdbcStorageTest extends JdbcStorageTestBase {

    @BeforeAll
    static void requireServer() {
        PostgresTestSupport.requireUrl();
    }

    @Override
    TestDatabase openDatabase() {
        return PostgresTestDatabase.create();
    }
}
