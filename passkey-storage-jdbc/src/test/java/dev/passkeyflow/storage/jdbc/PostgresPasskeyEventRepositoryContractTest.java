package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.PasskeyEventRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("PasskeyEventRepository contract on PostgreSQL")
class PostgresPasskeyEventRepositoryContractTest extends PasskeyEventRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected PasskeyEventRepository createRepository(MutableClock clock) {
        return database.open(clock).events();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
