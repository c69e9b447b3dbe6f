package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.AtomicStepRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("AtomicStepRepository contract on PostgreSQL")
class PostgresAtomicStepRepositoryContractTest extends AtomicStepRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected Stores createStores(MutableClock clock) {
        JdbcStorage storage = database.open(clock);
        return new Stores(storage.steps(), storage.flows(), storage.credentials(), storage.attempts());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
