package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.LoginAttemptRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("LoginAttemptRepository contract on H2")
class H2LoginAttemptRepositoryContractTest extends LoginAttemptRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(H2TestDatabase::create);

    @Override
    protected LoginAttemptRepository createRepository(MutableClock clock) {
        return database.open(clock).attempts();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
