package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.LoginAttemptRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("LoginAttemptRepository contract on PostgreSQL")
class PostgresLoginAttemptRepositoryContractTest extends LoginAttemptRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected LoginAttemptRepository createRepository(MutableClock clock) {
        return database.open(clock).attempts();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
