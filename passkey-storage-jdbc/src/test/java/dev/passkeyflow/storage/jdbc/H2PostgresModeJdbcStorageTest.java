package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC storage on H2 in PostgreSQL compatibility mode")
class H2PostgresModeJdbcStorageTest extends JdbcStorageTestBase {

    @Override
    TestDatabase openDatabase() {
        return H2TestDatabase.create("PostgreSQL");
    }
}
