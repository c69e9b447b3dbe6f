package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Checks that {@link FlowStateRepositoryContract} catches broken implementations: each static
 * nested kit below runs the contract against a repository with one deliberate defect, through the
 * JUnit Platform {@link EngineTestKit}, and the tests that guard against that defect must fail.
 *
 * <p>The nested kits are not run by Surefire on their own: its default excludes skip nested
 * classes ({@code **}{@code /*$*}), and JUnit does not run static nested classes of a selected
 * class.
 */
@DisplayName("the flow state contract kit")
class FlowStateRepositoryContractSelfTest {

    @Test
    @DisplayName("passes a correct reference repository")
    void passesCorrectRepository() {
        assertThat(failedTests(CorrectKit.class)).isEmpty();
    }

    @Test
    @DisplayName("catches an update that checks the version and writes in two steps")
    void catchesCheckThenActUpdate() {
        assertThat(failedTests(CheckThenActKit.class))
                .containsExactlyInAnyOrder("Concurrency.exactlyOneWinner", "Concurrency.noLostUpdate");
    }

    @Test
    @DisplayName("catches a create that checks for a duplicate and writes in two steps")
    void catchesCheckThenActCreate() {
        assertThat(failedTests(CheckThenActCreateKit.class)).containsExactlyInAnyOrder("Concurrency.exactlyOneCreate");
    }

    @Test
    @DisplayName("catches a repository that ignores expiry")
    void catchesIgnoredExpiry() {
        assertThat(failedTests(NeverExpiresKit.class))
                .containsExactlyInAnyOrder(
                        "CreatingAndLoading.expiredIdCanBeReused",
                        "OptimisticUpdates.updateShortensExpiry",
                        "Expiry.expiredAtExactInstant",
                        "Expiry.expiredNotLoaded",
                        "Expiry.expiredNotUpdatable",
                        "Expiry.purgeExpiredCounts");
    }

    @Test
    @DisplayName("catches a repository that still serves a flow at exactly its expiresAt")
    void catchesOffByOneExpiry() {
        assertThat(failedTests(ExpiresAfterKit.class))
                .containsExactlyInAnyOrder(
                        "CreatingAndLoading.expiredIdCanBeReused",
                        "OptimisticUpdates.updateShortensExpiry",
                        "Expiry.expiredAtExactInstant",
                        "Expiry.purgeExpiredCounts");
    }

    /** Runs a kit through the JUnit Platform and returns its failed tests as "Group.method". */
    static Set<String> failedTests(Class<?> kit) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(kit))
                .execute();
        assertThat(results.containerEvents().failed().count())
                .as("failed containers")
                .isZero();
        assertThat(results.testEvents().started().count()).as("tests run").isGreaterThanOrEqualTo(20);
        return results.testEvents().failed().stream()
                .map(event -> name(event.getTestDescriptor()))
                .collect(Collectors.toSet());
    }

    private static String name(TestDescriptor descriptor) {
        MethodSource source = (MethodSource) descriptor.getSource().orElseThrow();
        String className = source.getClassName();
        return className.substring(className.lastIndexOf('$') + 1) + "." + source.getMethodName();
    }

    // ------------------------------------------------------------ kits with one defect each

    static class CorrectKit extends FlowStateRepositoryContract {
        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new TestFlowStateRepository(clock, Defect.NONE);
        }
    }

    static class CheckThenActKit extends FlowStateRepositoryContract {
        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new TestFlowStateRepository(clock, Defect.CHECK_THEN_ACT_UPDATE);
        }
    }

    static class CheckThenActCreateKit extends FlowStateRepositoryContract {
        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new TestFlowStateRepository(clock, Defect.CHECK_THEN_ACT_CREATE);
        }
    }

    static class NeverExpiresKit extends FlowStateRepositoryContract {
        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new TestFlowStateRepository(clock, Defect.NEVER_EXPIRES);
        }
    }

    static class ExpiresAfterKit extends FlowStateRepositoryContract {
        @Override
        protected FlowStateRepository createRepository(MutableClock clock) {
            return new TestFlowStateRepository(clock, Defect.EXPIRES_AFTER_EXPIRES_AT);
        }
    }

    enum Defect {
        NONE,
        /** update() reads, checks the version, pauses, then writes: concurrent writers all win. */
        CHECK_THEN_ACT_UPDATE,
        /** create() checks for an existing flow, pauses, then writes: concurrent creators all win. */
        CHECK_THEN_ACT_CREATE,
        /** Flows never expire. */
        NEVER_EXPIRES,
        /** Flows expire only after expiresAt, not at it. */
        EXPIRES_AFTER_EXPIRES_AT
    }

    /** A small flow repository, correct unless told to carry one defect. */
    static final class TestFlowStateRepository implements FlowStateRepository {

        private final Clock clock;
        private final Defect defect;
        private final Map<String, FlowRecord> flows = new ConcurrentHashMap<>();

        TestFlowStateRepository(Clock clock, Defect defect) {
            this.clock = clock;
            this.defect = defect;
        }

        private boolean expired(FlowRecord flow) {
            Instant now = clock.instant();
            return switch (defect) {
                case NEVER_EXPIRES -> false;
                case EXPIRES_AFTER_EXPIRES_AT -> now.isAfter(flow.expiresAt());
                default -> !now.isBefore(flow.expiresAt());
            };
        }

        @Override
        public void create(FlowRecord flow) {
            if (flow.version() != 0) {
                throw new IllegalArgumentException("version must be 0");
            }
            if (defect == Defect.CHECK_THEN_ACT_CREATE) {
                FlowRecord existing = flows.get(flow.flowId());
                if (existing != null && !expired(existing)) {
                    throw new StorageException(StorageException.Reason.DUPLICATE, "exists");
                }
                pause();
                flows.put(flow.flowId(), flow);
                return;
            }
            flows.compute(flow.flowId(), (id, existing) -> {
                if (existing != null && !expired(existing)) {
                    throw new StorageException(StorageException.Reason.DUPLICATE, "exists");
                }
                return flow;
            });
        }

        @Override
        public Optional<FlowRecord> load(String flowId) {
            FlowRecord flow = flows.get(flowId);
            return flow == null || expired(flow) ? Optional.empty() : Optional.of(flow);
        }

        @Override
        public boolean update(FlowRecord updated) {
            if (updated.version() == 0) {
                throw new IllegalArgumentException("version must not be 0");
            }
            if (defect == Defect.CHECK_THEN_ACT_UPDATE) {
                FlowRecord current = flows.get(updated.flowId());
                if (current == null || expired(current) || current.version() != updated.version() - 1) {
                    return false;
                }
                pause();
                flows.put(updated.flowId(), updated);
                return true;
            }
            boolean[] won = {false};
            flows.computeIfPresent(updated.flowId(), (id, current) -> {
                if (expired(current) || current.version() != updated.version() - 1) {
                    return current;
                }
                won[0] = true;
                return updated;
            });
            return won[0];
        }

        @Override
        public boolean delete(String flowId) {
            return flows.remove(flowId) != null;
        }

        @Override
        public int purgeExpired() {
            int purged = 0;
            for (Map.Entry<String, FlowRecord> entry : List.copyOf(flows.entrySet())) {
                if (expired(entry.getValue()) && flows.remove(entry.getKey(), entry.getValue())) {
                    purged++;
                }
            }
            return purged;
        }

        /** Widens the window between check and write so that racing threads meet in it. */
        private static void pause() {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
