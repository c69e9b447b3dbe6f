package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.FlowLoadWithCredentials;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.FlowLoadWithCredentialsContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("FlowLoadWithCredentials contract on H2")
class H2FlowLoadWithCredentialsContractTest extends FlowLoadWithCredentialsContract {

    private final ContractDatabase database = new ContractDatabase(H2TestDatabase::create);

    @Override
    protected Stores createStores(MutableClock clock) {
        JdbcStorage storage = database.open(clock);
        return new Stores((FlowLoadWithCredentials) storage.steps(), storage.flows(), storage.credentials());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
