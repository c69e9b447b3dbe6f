package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC storage on H2")
class H2JdbcStorageTest extends JdbcStorageTestBase {

    @Override
    TestDatabase openDatabase() {
        return H2TestDatabase.create();
    }
}
