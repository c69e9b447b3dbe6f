package dev.passkeyflow.testkit.contract;

import static dev.passkeyflow.testkit.contract.FlowStateRepositoryContractSelfTest.failedTests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link ThrottleRepositoryContract} catches broken implementations, the same way as
 * {@link FlowStateRepositoryContractSelfTest}.
 */
@DisplayName("the throttle contract kit")
class ThrottleRepositoryContractSelfTest {

    @Test
    @DisplayName("passes a correct reference repository")
    void passesCorrectRepository() {
        assertThat(failedTests(CorrectKit.class)).isEmpty();
    }

    @Test
    @DisplayName("catches an increment that reads and writes the count in two steps")
    void catchesLostUpdates() {
        assertThat(failedTests(LostUpdatesKit.class))
                .containsExactlyInAnyOrder(
                        "Concurrency.exactTotal",
                        "Concurrency.overlappingKeysInDifferentOrders",
                        "Concurrency.concurrentFirstIncrements");
    }

    @Test
    @DisplayName("catches a read that counts")
    void catchesCountingRead() {
        // Nearly every test reads to check its counts; these two exist to catch exactly this.
        assertThat(failedTests(CountingReadKit.class))
                .contains("WindowsAndReads.neverIncrementedReadsZero", "WindowsAndReads.readChangesNothing");
    }

    @Test
    @DisplayName("catches a repository that counts a key across windows")
    void catchesIgnoredWindow() {
        assertThat(failedTests(IgnoresWindowKit.class)).containsExactlyInAnyOrder("WindowsAndReads.windowsAreSeparate");
    }

    @Test
    @DisplayName("catches a purge that keeps a counter expiring exactly now")
    void catchesStrictPurge() {
        assertThat(failedTests(StrictPurgeKit.class))
                .containsExactlyInAnyOrder(
                        "Purging.purgeDeletesExpired", "Purging.countAfterPurge", "Purging.purgeMany");
    }

    @Test
    @DisplayName("catches an increment that counts the keys before a bad one")
    void catchesPartialIncrement() {
        assertThat(failedTests(PartialIncrementKit.class))
                .containsExactlyInAnyOrder("Counting.badKeysRejected", "Counting.nullsRejected");
    }

    @Test
    @DisplayName("catches an increment that counts a key given twice in one call once")
    void catchesCollapsedKeys() {
        assertThat(failedTests(CollapsesRepeatedKeysKit.class))
                .containsExactlyInAnyOrder("Counting.repeatedKeyInOneCall");
    }

    // ------------------------------------------------------------ kits with one defect each

    static class CorrectKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.NONE);
        }
    }

    static class LostUpdatesKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.LOST_UPDATES);
        }
    }

    static class CountingReadKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.COUNTING_READ);
        }
    }

    static class IgnoresWindowKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.IGNORES_WINDOW);
        }
    }

    static class StrictPurgeKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.STRICT_PURGE);
        }
    }

    static class PartialIncrementKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.PARTIAL_INCREMENT);
        }
    }

    static class CollapsesRepeatedKeysKit extends ThrottleRepositoryContract {
        @Override
        protected ThrottleRepository createRepository(MutableClock clock) {
            return new TestThrottleRepository(Defect.COLLAPSES_REPEATED_KEYS);
        }
    }

    enum Defect {
        NONE,
        LOST_UPDATES,
        COUNTING_READ,
        IGNORES_WINDOW,
        STRICT_PURGE,
        PARTIAL_INCREMENT,
        COLLAPSES_REPEATED_KEYS
    }

    /** A map of counters, correct unless told to carry one defect. */
    static final class TestThrottleRepository implements ThrottleRepository {

        private record Window(String key, Instant start) {}

        private record Counter(long hits, Instant expiresAt) {}

        private final Defect defect;
        private final ConcurrentHashMap<Window, Counter> counters = new ConcurrentHashMap<>();

        TestThrottleRepository(Defect defect) {
            this.defect = defect;
        }

        @Override
        @SuppressWarnings(
                "ThreadPriorityCheck") // the yield widens the race window of this deliberately broken implementation
        public List<Long> increment(List<String> keys, Instant windowStart, Instant expiresAt) {
            Objects.requireNonNull(windowStart, "windowStart");
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (defect != Defect.PARTIAL_INCREMENT) {
                keys.forEach(TestThrottleRepository::check);
            }
            List<Long> counts = new ArrayList<>();
            Map<String, Long> seen = new HashMap<>();
            for (String key : keys) {
                if (defect == Defect.PARTIAL_INCREMENT) {
                    check(key);
                }
                if (defect == Defect.COLLAPSES_REPEATED_KEYS && seen.containsKey(key)) {
                    counts.add(seen.get(key));
                    continue;
                }
                Window window = window(key, windowStart);
                long count;
                if (defect == Defect.LOST_UPDATES) {
                    Counter old = counters.get(window);
                    count = (old == null ? 0 : old.hits()) + 1;
                    Thread.yield();
                    counters.put(window, new Counter(count, expiresAt));
                } else {
                    count = counters.merge(
                                    window,
                                    new Counter(1, expiresAt),
                                    (a, b) -> new Counter(a.hits() + 1, a.expiresAt()))
                            .hits();
                }
                seen.put(key, count);
                counts.add(count);
            }
            return List.copyOf(counts);
        }

        @Override
        public List<Long> read(List<String> keys, Instant windowStart) {
            Objects.requireNonNull(windowStart, "windowStart");
            keys.forEach(TestThrottleRepository::check);
            if (defect == Defect.COUNTING_READ) {
                return increment(keys, windowStart, windowStart.plusSeconds(3600));
            }
            List<Long> counts = new ArrayList<>();
            for (String key : keys) {
                Counter counter = counters.get(window(key, windowStart));
                counts.add(counter == null ? 0L : counter.hits());
            }
            return List.copyOf(counts);
        }

        @Override
        public int purgeExpired(Instant now) {
            Objects.requireNonNull(now, "now");
            int purged = 0;
            for (Iterator<Counter> it = counters.values().iterator(); it.hasNext(); ) {
                Instant expiresAt = it.next().expiresAt();
                boolean expired = defect == Defect.STRICT_PURGE ? expiresAt.isBefore(now) : !expiresAt.isAfter(now);
                if (expired) {
                    it.remove();
                    purged++;
                }
            }
            return purged;
        }

        private Window window(String key, Instant start) {
            return new Window(key, defect == Defect.IGNORES_WINDOW ? Instant.EPOCH : start);
        }

        private static void check(String key) {
            Objects.requireNonNull(key, "key");
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("bad key of length " + key.length());
            }
        }
    }
}
