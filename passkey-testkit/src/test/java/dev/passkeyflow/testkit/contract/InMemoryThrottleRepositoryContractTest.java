package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.storage.memory.InMemoryThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryThrottleRepository meets the throttle repository contract")
class InMemoryThrottleRepositoryContractTest extends ThrottleRepositoryContract {

    @Override
    protected ThrottleRepository createRepository(MutableClock clock) {
        return new InMemoryThrottleRepository(clock, InMemoryThrottleRepository.DEFAULT_MAX_COUNTERS);
    }
}
