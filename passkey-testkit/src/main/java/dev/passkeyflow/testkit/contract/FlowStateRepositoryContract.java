package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.fail;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link FlowStateRepository} must meet, as an abstract JUnit 5 test class.
 *
 * <p>To check an implementation, extend this class in your test sources and implement the one
 * factory hook; JUnit runs every inherited {@code @Nested} group against a fresh, empty
 * repository per test:
 *
 * <pre>{@code
 * class H2FlowStateRepositoryContractTest extends FlowStateRepositoryContract {
 *
 *     private JdbcDataSource dataSource;
 *
 *     @Override
 *     protected FlowStateRepository createRepository(MutableClock clock) {
 *         dataSource = new JdbcDataSource();                          // a new, empty database per test
 *         dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
 *         return JdbcStorage.builder().dataSource(dataSource).clock(clock)
 *                 .initializeSchema(true).build().flows();
 *     }
 *
 *     @AfterEach
 *     void shutDown() throws SQLException {
 *         try (Connection c = dataSource.getConnection()) {
 *             c.createStatement().execute("SHUTDOWN");
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The hook is called before every test and must return an <em>empty</em> repository that
 * reads the time from the given clock only (never from the database server or the system
 * clock): the expiry tests move that clock(). A flow counts as expired once the clock reads its
 * {@code expiresAt} or later. Release resources in an {@code @AfterEach} method of the subclass
 * if needed.
 *
 * <p>The kit uses flow ids of up to {@value FlowRecord#MAX_FLOW_ID_LENGTH} characters, payloads
 * of up to 64 Ki characters (about 128 KiB in UTF-8) of non-ASCII text, whole-millisecond
 * instants, and at most 16 flows at a time. Its concurrency tests race 16 threads on one flow, and
 * check that concurrent
 * read-modify-write loops lose no update: an implementation must make the version check and the
 * write one atomic step (a conditional {@code UPDATE ... WHERE version = ?}, a compare-and-set).
 *
 * <p>Longer than the project's 400 lines on purpose: a kit is one class an implementer extends
 * (micrometer-test's model), so its length is its list of tests, grouped with {@code @Nested};
 * splitting it would make every implementer extend several classes.
 */
public abstract class FlowStateRepositoryContract extends RepositoryContract<FlowStateRepository> {

    private static final Duration TTL = Duration.ofMinutes(5);

    /**
     * Creates the repository under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; the implementation must decide expiry by it
     * @return a new, empty repository
     */
    @Override
    protected abstract FlowStateRepository createRepository(MutableClock clock);

    // ---------------------------------------------------------------- fixtures

    /** A new flow (version 0) that expires {@link #TTL} from now. */
    private FlowRecord newFlow(String flowId, String payload) {
        return new FlowRecord(flowId, 0, clock().instant().plus(TTL), payload);
    }

    private FlowRecord createdFlow(String flowId, String payload) {
        FlowRecord flow = newFlow(flowId, payload);
        repository().create(flow);
        return flow;
    }

    private static void assertReason(Throwable thrown, StorageException.Reason reason) {
        assertThat(thrown)
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("creating and loading")
    class CreatingAndLoading {

        @Test
        @DisplayName("a created flow is loaded with every field as it was")
        void roundTrip() {
            FlowRecord flow = new FlowRecord(
                    "flow-Ab_9-xyz",
                    0,
                    START.plusMillis(300_123),
                    "{\"v\":1,\"step\":\"AWAITING_ASSERTION\",\"name\":\"Zoë ✓\"}");

            repository().create(flow);

            assertThat(repository().load("flow-Ab_9-xyz")).contains(flow);
        }

        @Test
        @DisplayName("a payload of 64 Ki non-ASCII characters and a flow id of the maximum length survive a round trip")
        void largeValuesRoundTrip() {
            String id = "f".repeat(FlowRecord.MAX_FLOW_ID_LENGTH);
            String payload = "{\"blob\":\"" + "ä€x".repeat(64 * 1024 / 3) + "\"}";
            FlowRecord flow = new FlowRecord(id, 0, START.plus(TTL), payload);

            repository().create(flow);

            assertThat(repository().load(id)).contains(flow);
        }

        @Test
        @DisplayName("an empty payload survives a round trip")
        void emptyPayloadRoundTrips() {
            FlowRecord flow = createdFlow("flow-empty", "");

            assertThat(repository().load("flow-empty")).contains(flow);
        }

        @Test
        @DisplayName("an unknown flow id loads nothing")
        void unknownLoadsNothing() {
            createdFlow("flow-1", "{}");

            assertThat(repository().load("flow-2")).isEmpty();
            assertThat(repository().load("FLOW-1")).isEmpty();
        }

        @Test
        @DisplayName("a new flow with a version other than 0 is rejected and not stored")
        void createWithVersionRejected() {
            FlowRecord flow = new FlowRecord("flow-1", 1, START.plus(TTL), "{}");

            assertThatIllegalArgumentException().isThrownBy(() -> repository().create(flow));

            assertThat(repository().load("flow-1")).isEmpty();
        }

        @Test
        @DisplayName("a second flow with the id of a live flow is rejected as DUPLICATE and the first is kept")
        void duplicateCreateRejected() {
            FlowRecord first = createdFlow("flow-1", "{\"n\":1}");
            clock().advance(TTL.minusMillis(1));

            assertReason(catchCreate(newFlow("flow-1", "{\"n\":2}")), StorageException.Reason.DUPLICATE);

            assertThat(repository().load("flow-1")).contains(first);
        }

        @Test
        @DisplayName("the id of an expired flow can be used for a new flow")
        void expiredIdCanBeReused() {
            createdFlow("flow-1", "{\"n\":1}");
            clock().advance(TTL);
            FlowRecord second = newFlow("flow-1", "{\"n\":2}");

            repository().create(second);

            assertThat(repository().load("flow-1")).contains(second);
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsAreRejected() {
            assertThatNullPointerException().isThrownBy(() -> repository().create(null));
            assertThatNullPointerException().isThrownBy(() -> repository().load(null));
            assertThatNullPointerException().isThrownBy(() -> repository().update(null));
            assertThatNullPointerException().isThrownBy(() -> repository().delete(null));
        }

        private Throwable catchCreate(FlowRecord flow) {
            try {
                repository().create(flow);
            } catch (RuntimeException e) {
                return e;
            }
            return fail("create(%s) was accepted", flow.flowId());
        }
    }

    @Nested
    @DisplayName("optimistic updates")
    class OptimisticUpdates {

        @Test
        @DisplayName("an update with the next version wins and is stored")
        void nextVersionWins() {
            FlowRecord loaded = createdFlow("flow-1", "{\"step\":1}");
            FlowRecord updated = loaded.next(loaded.expiresAt(), "{\"step\":2}");

            assertThat(repository().update(updated)).isTrue();

            FlowRecord stored = repository().load("flow-1").orElseThrow();
            assertThat(stored).isEqualTo(updated);
            assertThat(stored.version()).isEqualTo(1);
        }

        @Test
        @DisplayName("successive updates raise the version one by one")
        void versionsIncrement() {
            FlowRecord current = createdFlow("flow-1", "0");
            for (int i = 1; i <= 5; i++) {
                FlowRecord next = current.next(current.expiresAt(), Integer.toString(i));
                assertThat(repository().update(next))
                        .as("update to version %d", i)
                        .isTrue();
                current = repository().load("flow-1").orElseThrow();
                assertThat(current.version()).isEqualTo(i);
                assertThat(current.payload()).isEqualTo(Integer.toString(i));
            }
        }

        @Test
        @DisplayName("a replayed update with a stale version is rejected and the state is unchanged")
        void staleVersionRejected() {
            FlowRecord loaded = createdFlow("flow-1", "{\"step\":1}");
            FlowRecord winner = loaded.next(loaded.expiresAt(), "{\"step\":2,\"by\":\"a\"}");
            FlowRecord loser = loaded.next(loaded.expiresAt(), "{\"step\":2,\"by\":\"b\"}");
            assertThat(repository().update(winner)).isTrue();

            assertThat(repository().update(loser)).isFalse();
            assertThat(repository().update(winner))
                    .as("the winning update replayed")
                    .isFalse();

            assertThat(repository().load("flow-1")).contains(winner);
        }

        @Test
        @DisplayName("an update that skips a version is rejected and the state is unchanged")
        void skippedVersionRejected() {
            FlowRecord loaded = createdFlow("flow-1", "{}");
            FlowRecord skipping = new FlowRecord("flow-1", 2, loaded.expiresAt(), "{\"skip\":true}");

            assertThat(repository().update(skipping)).isFalse();

            assertThat(repository().load("flow-1")).contains(loaded);
        }

        @Test
        @DisplayName("an update with version 0 is rejected with IllegalArgumentException")
        void versionZeroRejected() {
            FlowRecord loaded = createdFlow("flow-1", "{}");

            assertThatIllegalArgumentException()
                    .isThrownBy(
                            () -> repository().update(new FlowRecord("flow-1", 0, loaded.expiresAt(), "{\"x\":1}")));

            assertThat(repository().load("flow-1")).contains(loaded);
        }

        @Test
        @DisplayName("an update of a missing flow returns false and creates nothing")
        void missingFlowNotUpdated() {
            FlowRecord ghost = new FlowRecord("flow-ghost", 1, START.plus(TTL), "{}");

            assertThat(repository().update(ghost)).isFalse();

            assertThat(repository().load("flow-ghost")).isEmpty();
        }

        @Test
        @DisplayName("an update changes only its own flow")
        void updateIsIsolated() {
            FlowRecord one = createdFlow("flow-1", "one");
            FlowRecord two = createdFlow("flow-2", "two");

            assertThat(repository().update(one.next(one.expiresAt(), "one-b"))).isTrue();

            assertThat(repository().load("flow-2")).contains(two);
        }

        @Test
        @DisplayName("an update can move the expiry later, and the flow lives on until then")
        void updateExtendsExpiry() {
            FlowRecord loaded = createdFlow("flow-1", "{}");
            FlowRecord extended = loaded.next(loaded.expiresAt().plus(TTL), "{\"extended\":true}");
            assertThat(repository().update(extended)).isTrue();

            clock().advance(TTL.plusSeconds(1));

            assertThat(repository().load("flow-1")).contains(extended);
            assertThat(repository().update(extended.next(extended.expiresAt(), "{\"again\":true}")))
                    .isTrue();
        }

        @Test
        @DisplayName("an update can move the expiry earlier, and the flow expires then")
        void updateShortensExpiry() {
            FlowRecord loaded = createdFlow("flow-1", "{}");
            FlowRecord shortened = loaded.next(START.plusSeconds(10), "{\"short\":true}");
            assertThat(repository().update(shortened)).isTrue();

            clock().advance(Duration.ofSeconds(10));

            assertThat(repository().load("flow-1")).isEmpty();
        }
    }

    @Nested
    @DisplayName("expiry")
    class Expiry {

        @Test
        @DisplayName("a flow is loaded until just before its expiresAt")
        void liveUntilJustBefore() {
            FlowRecord flow = createdFlow("flow-1", "{}");

            clock().set(flow.expiresAt().minusMillis(1));

            assertThat(repository().load("flow-1")).contains(flow);
        }

        @Test
        @DisplayName("a flow exactly at its expiresAt counts as expired")
        void expiredAtExactInstant() {
            FlowRecord flow = createdFlow("flow-1", "{}");

            clock().set(flow.expiresAt());

            assertThat(repository().load("flow-1")).isEmpty();
            assertThat(repository().update(flow.next(flow.expiresAt().plus(TTL), "{}")))
                    .isFalse();
        }

        @Test
        @DisplayName("an expired flow is not loaded")
        void expiredNotLoaded() {
            createdFlow("flow-1", "{}");

            clock().advance(TTL.plusMinutes(1));

            assertThat(repository().load("flow-1")).isEmpty();
        }

        @Test
        @DisplayName("an expired flow cannot be updated, not even to extend it")
        void expiredNotUpdatable() {
            FlowRecord flow = createdFlow("flow-1", "{}");
            clock().advance(TTL.plusSeconds(1));

            assertThat(repository().update(flow.next(clock().instant().plus(TTL), "{\"revived\":true}")))
                    .isFalse();

            assertThat(repository().load("flow-1")).isEmpty();
        }

        @Test
        @DisplayName("purgeExpired deletes expired flows, keeps live ones and returns the count")
        void purgeExpiredCounts() {
            FlowRecord live = new FlowRecord("flow-live", 0, START.plus(Duration.ofHours(1)), "live");
            repository().create(live);
            repository().create(new FlowRecord("flow-old-1", 0, START.plusSeconds(10), "old"));
            repository().create(new FlowRecord("flow-old-2", 0, START.plusSeconds(20), "old"));
            repository().create(new FlowRecord("flow-soon", 0, START.plusSeconds(40), "soon"));
            clock().advance(Duration.ofSeconds(20));

            assertThat(repository().purgeExpired()).isEqualTo(2);

            assertThat(repository().purgeExpired()).isZero();
            assertThat(repository().delete("flow-old-1"))
                    .as("purged flow still there")
                    .isFalse();
            assertThat(repository().delete("flow-old-2"))
                    .as("purged flow still there")
                    .isFalse();
            assertThat(repository().load("flow-live")).contains(live);
            assertThat(repository().load("flow-soon")).isPresent();
        }

        @Test
        @DisplayName("purgeExpired with nothing expired deletes nothing and returns 0")
        void purgeNothing() {
            FlowRecord flow = createdFlow("flow-1", "{}");

            assertThat(repository().purgeExpired()).isZero();

            assertThat(repository().load("flow-1")).contains(flow);
        }

        @Test
        @DisplayName("purgeExpired on an empty repository returns 0")
        void purgeEmpty() {
            assertThat(repository().purgeExpired()).isZero();
        }

        @Test
        @DisplayName("an expired flow that was not purged yet can still be deleted")
        void deleteExpired() {
            createdFlow("flow-1", "{}");
            clock().advance(TTL);

            assertThat(repository().delete("flow-1")).isTrue();
            assertThat(repository().purgeExpired()).isZero();
        }
    }

    @Nested
    @DisplayName("deleting")
    class Deleting {

        @Test
        @DisplayName("a deleted flow is gone and cannot be updated")
        void deletedIsGone() {
            FlowRecord flow = createdFlow("flow-1", "{}");
            FlowRecord other = createdFlow("flow-2", "{}");

            assertThat(repository().delete("flow-1")).isTrue();

            assertThat(repository().load("flow-1")).isEmpty();
            assertThat(repository().update(flow.next(flow.expiresAt(), "{}"))).isFalse();
            assertThat(repository().load("flow-2")).contains(other);
        }

        @Test
        @DisplayName("deleting twice returns true, then false")
        void deleteTwice() {
            createdFlow("flow-1", "{}");

            assertThat(repository().delete("flow-1")).isTrue();
            assertThat(repository().delete("flow-1")).isFalse();
        }

        @Test
        @DisplayName("deleting an unknown flow returns false")
        void deleteUnknown() {
            assertThat(repository().delete("flow-x")).isFalse();
        }

        @Test
        @DisplayName("the id of a deleted flow can be used for a new flow")
        void deletedIdCanBeReused() {
            createdFlow("flow-1", "{\"n\":1}");
            repository().delete("flow-1");

            FlowRecord again = createdFlow("flow-1", "{\"n\":2}");

            assertThat(repository().load("flow-1")).contains(again);
        }
    }

    @Nested
    @DisplayName("concurrency")
    @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
    class Concurrency {

        private static final int THREADS = 16;

        @Test
        @DisplayName("of 16 threads racing to update the same loaded version, exactly one wins, round after round")
        void exactlyOneWinner() {
            createdFlow("flow-race", "start");
            for (int round = 0; round < 10; round++) {
                FlowRecord loaded = repository().load("flow-race").orElseThrow();
                int currentRound = round;
                List<Boolean> wins = Concurrently.run(
                        THREADS,
                        t -> () -> repository()
                                .update(loaded.next(loaded.expiresAt(), "round-" + currentRound + "-thread-" + t)));

                assertThat(wins).as("winners of round %d", round).containsOnlyOnce(true);
                int winner = wins.indexOf(true);
                FlowRecord stored = repository().load("flow-race").orElseThrow();
                assertThat(stored.version()).isEqualTo(loaded.version() + 1);
                assertThat(stored.payload()).isEqualTo("round-" + round + "-thread-" + winner);
            }
        }

        @Test
        @DisplayName("concurrent load-modify-update loops lose no increment")
        void noLostUpdate() {
            int threads = 8;
            int incrementsPerThread = 25;
            createdFlow("flow-counter", "0");

            Concurrently.run(threads, t -> () -> {
                int done = 0;
                for (int tries = 0; done < incrementsPerThread; tries++) {
                    if (tries > 100_000) {
                        throw new AssertionError("thread " + t + " could not make progress");
                    }
                    FlowRecord current = repository().load("flow-counter").orElseThrow();
                    int counter = Integer.parseInt(current.payload());
                    if (repository().update(current.next(current.expiresAt(), Integer.toString(counter + 1)))) {
                        done++;
                    }
                }
                return done;
            });

            FlowRecord result = repository().load("flow-counter").orElseThrow();
            assertThat(Integer.parseInt(result.payload())).as("counter").isEqualTo(threads * incrementsPerThread);
            assertThat(result.version()).isEqualTo((long) threads * incrementsPerThread);
        }

        @Test
        @DisplayName("of 16 threads creating the same flow id, exactly one succeeds and the others get DUPLICATE")
        void exactlyOneCreate() {
            List<String> outcomes = Concurrently.run(THREADS, t -> () -> {
                try {
                    repository().create(new FlowRecord("flow-new", 0, START.plus(TTL), "by-" + t));
                    return "created";
                } catch (StorageException e) {
                    return e.reason().name();
                }
            });

            assertThat(outcomes).containsOnlyOnce("created");
            assertThat(outcomes).filteredOn(o -> !o.equals("created")).containsOnly("DUPLICATE");
            assertThat(repository().load("flow-new").orElseThrow().payload())
                    .isEqualTo("by-" + outcomes.indexOf("created"));
        }
    }
}
