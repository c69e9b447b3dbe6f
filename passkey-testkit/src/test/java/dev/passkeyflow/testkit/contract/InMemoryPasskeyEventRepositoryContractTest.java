package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.storage.memory.InMemoryPasskeyEventRepository;
import dev.passkeyflow.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("PasskeyEventRepository contract in memory")
class InMemoryPasskeyEventRepositoryContractTest extends PasskeyEventRepositoryContract {

    @Override
    protected PasskeyEventRepository createRepository(MutableClock clock) {
        return new InMemoryPasskeyEventRepository();
    }
}
