package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("The step protocol on PostgreSQL with atomic steps")
class PostgresStepProtocolTest extends JdbcStepProtocolTestBase {

    @Override
    TestDatabase database() {
        return PostgresTestDatabase.create();
    }
}
