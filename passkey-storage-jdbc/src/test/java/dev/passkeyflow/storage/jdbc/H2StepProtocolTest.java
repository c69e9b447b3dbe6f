package dev.passkeyflow.storage.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("The step protocol on H2 with atomic steps")
class H2StepProtocolTest extends JdbcStepProtocolTestBase {

    @Override
    TestDatabase database() {
        return H2TestDatabase.create();
    }
}
