package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.CredentialRepositoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("CredentialRepository contract on PostgreSQL")
class PostgresCredentialRepositoryContractTest extends CredentialRepositoryContract {

    private final ContractDatabase database = new ContractDatabase(PostgresTestDatabase::create);

    @Override
    protected CredentialRepository createRepository(MutableClock clock) {
        return database.open(clock).credentials();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
