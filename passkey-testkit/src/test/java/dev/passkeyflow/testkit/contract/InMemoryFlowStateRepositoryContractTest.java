package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryFlowStateRepository meets the flow state repository contract")
class InMemoryFlowStateRepositoryContractTest extends FlowStateRepositoryContract {

    @Override
    protected FlowStateRepository createRepository(MutableClock clock) {
        return new InMemoryFlowStateRepository(clock);
    }
}
