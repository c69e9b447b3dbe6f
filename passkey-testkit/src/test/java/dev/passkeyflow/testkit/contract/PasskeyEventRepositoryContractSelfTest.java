package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.storage.memory.InMemoryPasskeyEventRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Checks that {@link PasskeyEventRepositoryContract} catches broken implementations. */
@DisplayName("the passkey event contract kit")
class PasskeyEventRepositoryContractSelfTest {

    @Test
    @DisplayName("passes the in-memory repository")
    void passesCorrect() {
        assertThat(failedTests(CorrectKit.class)).isEmpty();
    }

    @Test
    @DisplayName("catches a repository that still serves an event at exactly its expiresAt")
    void catchesOffByOneExpiry() {
        assertThat(failedTests(InclusiveExpiryKit.class)).containsExactlyInAnyOrder("Expiry.expiresAtExactInstant");
    }

    @Test
    @DisplayName("catches a repository that stores an event id twice")
    void catchesDuplicates() {
        assertThat(failedTests(DuplicatingKit.class))
                .containsExactlyInAnyOrder("RecordingAndReading.idempotent", "ConcurrencyAndInput.concurrentSameId");
    }

    /** As {@link FlowStateRepositoryContractSelfTest#failedTests}, for this smaller kit (12 tests). */
    private static Set<String> failedTests(Class<?> kit) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(kit))
                .execute();
        assertThat(results.containerEvents().failed().count())
                .as("failed containers")
                .isZero();
        assertThat(results.testEvents().started().count()).as("tests run").isEqualTo(12);
        return results.testEvents().failed().stream()
                .map(event -> {
                    MethodSource source =
                            (MethodSource) event.getTestDescriptor().getSource().orElseThrow();
                    String className = source.getClassName();
                    return className.substring(className.lastIndexOf('$') + 1) + "." + source.getMethodName();
                })
                .collect(Collectors.toSet());
    }

    static class CorrectKit extends PasskeyEventRepositoryContract {
        @Override
        protected PasskeyEventRepository createRepository(MutableClock clock) {
            return new InMemoryPasskeyEventRepository();
        }
    }

    /** Reads one microsecond late, so an event is still served at its expiresAt. */
    static class InclusiveExpiryKit extends PasskeyEventRepositoryContract {
        @Override
        protected PasskeyEventRepository createRepository(MutableClock clock) {
            InMemoryPasskeyEventRepository delegate = new InMemoryPasskeyEventRepository();
            return new PasskeyEventRepository() {
                @Override
                public void append(PasskeyEvent event) {
                    delegate.append(event);
                }

                @Override
                public List<PasskeyEvent> activeByUser(Bytes userHandle, Instant now, int limit) {
                    return delegate.activeByUser(userHandle, now.minusNanos(1000), limit);
                }

                @Override
                public List<PasskeyEvent> activeByDevice(String deviceId, Instant now, int limit) {
                    return delegate.activeByDevice(deviceId, now.minusNanos(1000), limit);
                }

                @Override
                public int purgeExpired(Instant now) {
                    return delegate.purgeExpired(now);
                }
            };
        }
    }

    /** A list that appends every event, also one whose id it holds already. */
    static class DuplicatingKit extends PasskeyEventRepositoryContract {
        @Override
        protected PasskeyEventRepository createRepository(MutableClock clock) {
            List<PasskeyEvent> events = new ArrayList<>();
            return new PasskeyEventRepository() {
                @Override
                public synchronized void append(PasskeyEvent e) {
                    events.add(Objects.requireNonNull(e));
                }

                @Override
                public List<PasskeyEvent> activeByUser(Bytes userHandle, Instant now, int limit) {
                    Objects.requireNonNull(userHandle);
                    return select(e -> e.userHandle().equals(userHandle), now, limit);
                }

                @Override
                public List<PasskeyEvent> activeByDevice(String deviceId, Instant now, int limit) {
                    Objects.requireNonNull(deviceId);
                    return select(e -> deviceId.equals(e.deviceId()), now, limit);
                }

                private synchronized List<PasskeyEvent> select(Predicate<PasskeyEvent> filter, Instant now, int limit) {
                    Objects.requireNonNull(now);
                    if (limit < 1) {
                        throw new IllegalArgumentException("limit");
                    }
                    List<PasskeyEvent> found = new ArrayList<>();
                    for (int i = events.size() - 1; i >= 0; i--) {
                        PasskeyEvent e = events.get(i);
                        if (e.activeAt(now) && filter.test(e)) {
                            found.add(e);
                        }
                    }
                    // Stable: the later-recorded stays first among equal instants.
                    found.sort(Comparator.comparing(PasskeyEvent::at).reversed());
                    return found.stream().limit(limit).toList();
                }

                @Override
                public synchronized int purgeExpired(Instant now) {
                    int before = events.size();
                    events.removeIf(e -> !e.activeAt(now));
                    return before - events.size();
                }
            };
        }
    }
}
