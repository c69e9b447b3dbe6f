package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.ThrottleRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("ThrottleRepository contract on PostgreSQL")
class PostgresThrottleRepositoryContractTest extends ThrottleRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected ThrottleRepository createRepository(MutableClock clock) {
        return database.open(clock).throttles();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
