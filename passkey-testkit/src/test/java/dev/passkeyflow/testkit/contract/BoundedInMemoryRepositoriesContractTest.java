package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Runs the kits against in-memory repositories configured at the smallest bounds the kits
 * document, so that the documented minimums stay true.
 */
@DisplayName("in-memory repositories at the kits' documented minimum bounds")
class BoundedInMemoryRepositoriesContractTest {

    @Nested
    @DisplayName("attempts capped at 640 per user and 40 per device, kept for one day")
    class SmallAttemptCaps extends LoginAttemptRepositoryContract {

        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new InMemoryLoginAttemptRepository(clock, 640, 40, Duration.ofDays(1));
        }
    }

    @Nested
    @DisplayName("at most 16 flows")
    class SmallFlowStore extends FlowStateRepositoryContract {

        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new InMemoryFlowStateRepository(clock, 16);
        }
    }
}
