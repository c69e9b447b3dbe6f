package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ThrottleRepository} must meet, as an abstract JUnit 5 test class.
 *
 * <p>To check an implementation, extend this class in your test sources and implement the one
 * factory hook; JUnit runs every inherited {@code @Nested} group against a fresh, empty
 * repository per test:
 *
 * <pre>{@code
 * class H2ThrottleRepositoryContractTest extends ThrottleRepositoryContract {
 *
 *     private JdbcDataSource dataSource;
 *
 *     @Override
 *     protected ThrottleRepository createRepository(MutableClock clock) {
 *         dataSource = new JdbcDataSource();                          // a new, empty database per test
 *         dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
 *         return JdbcStorage.builder().dataSource(dataSource).clock(clock)
 *                 .initializeSchema(true).build().throttles();
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
 * <p>The hook is called before every test and must return an <em>empty</em> repository(). The kit
 * passes every instant explicitly, so an implementation needs the clock only for its own
 * housekeeping. It uses whole-millisecond instants, keys of 1 to
 * {@value ThrottleRepository#MAX_KEY_LENGTH} characters (including non-ASCII ones and keys that
 * differ only in case), at most a few hundred counters, and always the same {@code expiresAt} for
 * one counter. Its concurrency tests increment one counter from 16 threads and several counters in
 * different orders from 8 threads: an implementation must make each increment one atomic step
 * (an upsert that adds to the stored value, a compare-and-set) and must not deadlock on keys
 * given in different orders.
 */
public abstract class ThrottleRepositoryContract extends RepositoryContract<ThrottleRepository> {

    private static final Instant WINDOW = START;
    private static final Instant NEXT_WINDOW = START.plus(Duration.ofMinutes(15));
    private static final Instant EXPIRES = START.plus(Duration.ofMinutes(30));

    /**
     * Creates the repository under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; the implementation may read it for housekeeping
     * @return a new, empty repository
     */
    @Override
    protected abstract ThrottleRepository createRepository(MutableClock clock);

    // ---------------------------------------------------------------- fixtures

    private List<Long> increment(String... keys) {
        return repository().increment(List.of(keys), WINDOW, EXPIRES);
    }

    private List<Long> read(String... keys) {
        return repository().read(List.of(keys), WINDOW);
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("counting")
    class Counting {

        @Test
        @DisplayName("a first increment returns 1 for each key, in the order of the keys")
        void firstIncrement() {
            assertThat(increment("failed:alice", "failed:device-1")).containsExactly(1L, 1L);
        }

        @Test
        @DisplayName("each increment adds one and returns the new count")
        void countsUp() {
            assertThat(increment("k")).containsExactly(1L);
            assertThat(increment("k")).containsExactly(2L);
            assertThat(increment("k", "other")).containsExactly(3L, 1L);
            assertThat(increment("other", "k")).containsExactly(2L, 4L);

            assertThat(read("k", "other")).containsExactly(4L, 2L);
        }

        @Test
        @DisplayName("a key given twice in one call is counted twice, each position with its own count")
        void repeatedKeyInOneCall() {
            increment("k");

            assertThat(increment("k", "j", "k")).containsExactly(2L, 1L, 3L);
            assertThat(read("k", "j")).containsExactly(3L, 1L);
        }

        @Test
        @DisplayName("a call with many keys counts each of them and returns their counts in order")
        void manyKeys() {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                keys.add("key-" + (59 - i));
            }
            repository().increment(keys.subList(0, 30), WINDOW, EXPIRES);

            List<Long> counts = repository().increment(keys, WINDOW, EXPIRES);

            for (int i = 0; i < keys.size(); i++) {
                assertThat(counts.get(i)).as(keys.get(i)).isEqualTo(i < 30 ? 2L : 1L);
            }
            assertThat(repository().read(keys, WINDOW)).containsExactlyElementsOf(counts);
        }

        @Test
        @DisplayName("an empty list of keys counts nothing and returns an empty list")
        void emptyKeys() {
            assertThat(repository().increment(List.of(), WINDOW, EXPIRES)).isEmpty();
            assertThat(repository().read(List.of(), WINDOW)).isEmpty();
        }

        @Test
        @DisplayName("keys are compared exactly: case, non-ASCII characters and the maximum length are kept")
        void keysAreExact() {
            String longest = "x".repeat(ThrottleRepository.MAX_KEY_LENGTH);
            String almost = "x".repeat(ThrottleRepository.MAX_KEY_LENGTH - 1) + "y";

            assertThat(increment("Key", "key", "kéy ✓", longest, almost)).containsExactly(1L, 1L, 1L, 1L, 1L);
            assertThat(increment("key", longest)).containsExactly(2L, 2L);

            assertThat(read("Key", "key", "kéy ✓", longest, almost, "KEY")).containsExactly(1L, 2L, 1L, 2L, 1L, 0L);
        }

        @Test
        @DisplayName("a blank or over-long key is rejected and nothing of that call is counted")
        void badKeysRejected() {
            increment("k");
            String tooLong = "x".repeat(ThrottleRepository.MAX_KEY_LENGTH + 1);

            for (List<String> bad : List.of(List.of("k", ""), List.of("k", "   "), List.of("k", tooLong))) {
                assertThatIllegalArgumentException()
                        .as("keys %s", bad.size())
                        .isThrownBy(() -> repository().increment(bad, WINDOW, EXPIRES));
            }
            assertThatIllegalArgumentException().isThrownBy(() -> repository().read(List.of(tooLong), WINDOW));

            assertThat(read("k")).containsExactly(1L);
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException and count nothing")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsRejected() {
            assertThatNullPointerException().isThrownBy(() -> repository().increment(null, WINDOW, EXPIRES));
            assertThatNullPointerException()
                    .isThrownBy(() -> repository().increment(Arrays.asList("k", null), WINDOW, EXPIRES));
            assertThatNullPointerException().isThrownBy(() -> repository().increment(List.of("k"), null, EXPIRES));
            assertThatNullPointerException().isThrownBy(() -> repository().increment(List.of("k"), WINDOW, null));
            assertThatNullPointerException().isThrownBy(() -> repository().read(null, WINDOW));
            assertThatNullPointerException().isThrownBy(() -> repository().read(List.of("k"), null));
            assertThatNullPointerException().isThrownBy(() -> repository().purgeExpired(null));

            assertThat(read("k")).containsExactly(0L);
        }
    }

    @Nested
    @DisplayName("windows and reads")
    class WindowsAndReads {

        @Test
        @DisplayName("the counters of one key in different windows are separate")
        void windowsAreSeparate() {
            increment("k");
            increment("k");

            assertThat(repository().increment(List.of("k"), NEXT_WINDOW, EXPIRES.plus(Duration.ofMinutes(15))))
                    .containsExactly(1L);
            assertThat(repository().read(List.of("k"), WINDOW)).containsExactly(2L);
            assertThat(repository().read(List.of("k"), NEXT_WINDOW)).containsExactly(1L);
            assertThat(repository().read(List.of("k"), WINDOW.plusMillis(1))).containsExactly(0L);
        }

        @Test
        @DisplayName("a counter never incremented reads 0")
        void neverIncrementedReadsZero() {
            increment("a");

            assertThat(read("b", "a", "c")).containsExactly(0L, 1L, 0L);
        }

        @Test
        @DisplayName("reading changes nothing: the next increment continues from the count read")
        void readChangesNothing() {
            increment("k");

            for (int i = 0; i < 3; i++) {
                assertThat(read("k", "unseen")).containsExactly(1L, 0L);
            }
            assertThat(increment("k", "unseen")).containsExactly(2L, 1L);
        }

        @Test
        @DisplayName("a read may name a key twice and gets its count at both positions")
        void readRepeatedKey() {
            increment("k");

            assertThat(read("k", "k")).containsExactly(1L, 1L);
        }
    }

    @Nested
    @DisplayName("purging")
    class Purging {

        @Test
        @DisplayName(
                "purging deletes the counters whose expiresAt is at or before now, counts them and keeps the others")
        void purgeDeletesExpired() {
            Instant early = START.plusSeconds(60);
            repository().increment(List.of("a", "b"), WINDOW, early);
            repository().increment(List.of("c"), WINDOW, early.plusMillis(1));
            repository().increment(List.of("c"), WINDOW, early.plusMillis(1));

            assertThat(repository().purgeExpired(early)).isEqualTo(2);

            assertThat(read("a", "b", "c")).containsExactly(0L, 0L, 2L);
            assertThat(repository().purgeExpired(early)).isZero();
            assertThat(repository().purgeExpired(early.plusMillis(1))).isEqualTo(1);
            assertThat(read("c")).containsExactly(0L);
        }

        @Test
        @DisplayName("purging goes by expiresAt alone: a long-past window that expires later is kept")
        void purgeByExpiryNotWindow() {
            Instant longAgo = START.minus(Duration.ofDays(30));
            repository().increment(List.of("k"), longAgo, EXPIRES);

            assertThat(repository().purgeExpired(START)).isZero();
            assertThat(repository().read(List.of("k"), longAgo)).containsExactly(1L);
        }

        @Test
        @DisplayName("a counter purged and counted again starts from 1")
        void countAfterPurge() {
            increment("k");
            increment("k");
            assertThat(repository().purgeExpired(EXPIRES)).isEqualTo(1);

            assertThat(increment("k")).containsExactly(1L);
        }

        @Test
        @DisplayName("purging before anything expires, or an empty repository, deletes nothing and returns 0")
        void purgeNothing() {
            assertThat(repository().purgeExpired(EXPIRES)).isZero();
            increment("k");

            assertThat(repository().purgeExpired(EXPIRES.minusMillis(1))).isZero();
            assertThat(read("k")).containsExactly(1L);
        }

        @Test
        @DisplayName("purging many counters deletes every expired one")
        void purgeMany() {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                keys.add("key-" + i);
            }
            repository().increment(keys, WINDOW, EXPIRES);
            repository().increment(List.of("live"), WINDOW, EXPIRES.plusSeconds(1));

            assertThat(repository().purgeExpired(EXPIRES)).isEqualTo(250);
            assertThat(repository().read(keys, WINDOW)).containsOnly(0L);
            assertThat(read("live")).containsExactly(1L);
        }
    }

    @Nested
    @DisplayName("concurrency")
    @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
    class Concurrency {

        @Test
        @DisplayName("N threads x M increments of one counter count exactly N x M, each count returned once")
        void exactTotal() {
            int threads = 16;
            int perThread = 25;
            List<List<Long>> returned = Concurrently.run(threads, t -> () -> {
                List<Long> counts = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    counts.addAll(increment("hot"));
                }
                return counts;
            });

            assertThat(read("hot")).containsExactly((long) threads * perThread);
            assertThat(returned.stream().flatMap(List::stream).sorted().toList())
                    .as("every count from 1 to N x M handed out exactly once")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, (long) threads * perThread)
                            .boxed()
                            .toList());
        }

        @Test
        @DisplayName("threads incrementing overlapping keys in different orders lose no count and do not deadlock")
        void overlappingKeysInDifferentOrders() {
            int threads = 8;
            int perThread = 20;
            List<String> keys = List.of("a", "b", "c", "d");
            Concurrently.run(threads, t -> () -> {
                List<String> mine = new ArrayList<>(keys);
                java.util.Collections.rotate(mine, t);
                if (t % 2 == 1) {
                    java.util.Collections.reverse(mine);
                }
                for (int i = 0; i < perThread; i++) {
                    repository().increment(mine, WINDOW, EXPIRES);
                }
                return null;
            });

            assertThat(repository().read(keys, WINDOW)).containsOnly((long) threads * perThread);
        }

        @Test
        @DisplayName("first increments of the same new counter from many threads create it once")
        void concurrentFirstIncrements() {
            int threads = 16;
            int rounds = 10;
            for (int round = 0; round < rounds; round++) {
                String key = "new-" + round;
                List<List<Long>> returned = Concurrently.run(threads, t -> () -> increment(key));

                assertThat(returned.stream().flatMap(List::stream).sorted().toList())
                        .as("round %d", round)
                        .containsExactlyElementsOf(
                                LongStream.rangeClosed(1, threads).boxed().toList());
            }
        }
    }
}
