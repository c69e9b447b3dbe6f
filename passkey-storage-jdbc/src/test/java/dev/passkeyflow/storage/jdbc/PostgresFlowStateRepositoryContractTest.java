package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.FlowStateRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("FlowStateRepository contract on PostgreSQL")
class PostgresFlowStateRepositoryContractTest extends FlowStateRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected FlowStateRepository createRepository(MutableClock clock) {
        return database.open(clock).flows();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
