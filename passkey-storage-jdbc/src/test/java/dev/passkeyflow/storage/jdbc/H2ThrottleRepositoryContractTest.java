package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.ThrottleRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("ThrottleRepository contract on H2")
class H2ThrottleRepositoryContractTest extends ThrottleRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(H2TestDatabase::create);

    @Override
    protected ThrottleRepository createRepository(MutableClock clock) {
        return database.open(clock).throttles();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
