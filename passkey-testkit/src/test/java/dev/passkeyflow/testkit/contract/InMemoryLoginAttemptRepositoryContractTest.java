package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryLoginAttemptRepository meets the login attempt repository contract")
class InMemoryLoginAttemptRepositoryContractTest extends LoginAttemptRepositoryContract {

    @Override
    protected LoginAttemptRepository createRepository(MutableClock clock) {
        return new InMemoryLoginAttemptRepository(clock);
    }
}
