package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.PasskeyEventRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PasskeyEventRepository} must meet, as an abstract JUnit 5 test class.
 * Extend it in your test sources and implement the one factory hook, which must return an empty
 * repository before every test:
 *
 * <pre>{@code
 * class H2PasskeyEventRepositoryContractTest extends PasskeyEventRepositoryContract {
 *     private final ContractDatabase database = new ContractDatabase(H2TestDatabase::create);
 *
 *     @Override
 *     protected PasskeyEventRepository createRepository(MutableClock clock) {
 *         return database.open(clock).events();   // JdbcStorage.events() on a fresh database
 *     }
 * }
 * }</pre>
 *
 * <p>The kit passes every instant explicitly and uses whole-millisecond instants.
 */
public abstract class PasskeyEventRepositoryContract extends RepositoryContract<PasskeyEventRepository> {

    private static final Duration DAY = Duration.ofDays(1);

    // ---------------------------------------------------------------- fixtures

    private static Bytes handle(String name) {
        return Bytes.of(("handle-" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static PasskeyEvent event(
            String id,
            String user,
            @Nullable String device,
            String kind,
            PasskeyEvent.Type type,
            Instant at,
            Duration lifetime) {
        return new PasskeyEvent(id, handle(user), device, kind, type, at, at.plus(lifetime));
    }

    private PasskeyEvent appended(
            String id, String user, @Nullable String device, PasskeyEvent.Type type, Instant at, Duration lifetime) {
        PasskeyEvent e = event(id, user, device, "AFTER_ERROR", type, at, lifetime);
        repository().append(e);
        return e;
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("recording and reading")
    class RecordingAndReading {

        @Test
        @DisplayName("an event reads back equal, by account and by device, with every field")
        void roundTrip() {
            PasskeyEvent e = event("e1", "alice", "device-é ✓", "AFTER_HYBRID", PasskeyEvent.Type.DECLINED, START, DAY);
            repository().append(e);

            assertThat(repository().activeByUser(handle("alice"), START, 10)).containsExactly(e);
            assertThat(repository().activeByDevice("device-é ✓", START, 10)).containsExactly(e);
        }

        @Test
        @DisplayName("events come newest first; at the same instant the later-recorded first; limit cuts the oldest")
        void newestFirst() {
            PasskeyEvent first = appended("e1", "alice", "d", PasskeyEvent.Type.OFFERED, START, DAY);
            PasskeyEvent second = appended("e2", "alice", "d", PasskeyEvent.Type.DECLINED, START.plusSeconds(5), DAY);
            PasskeyEvent third = appended("e3", "alice", "d", PasskeyEvent.Type.OFFERED, START.plusSeconds(5), DAY);

            assertThat(repository().activeByUser(handle("alice"), START.plusSeconds(6), 10))
                    .containsExactly(third, second, first);
            assertThat(repository().activeByDevice("d", START.plusSeconds(6), 2))
                    .containsExactly(third, second);
        }

        @Test
        @DisplayName("an event id already stored is not stored again")
        void idempotent() {
            PasskeyEvent e = appended("e1", "alice", "d", PasskeyEvent.Type.OFFERED, START, DAY);
            repository()
                    .append(event(
                            "e1", "alice", "d", "AFTER_ERROR", PasskeyEvent.Type.DECLINED, START.plusSeconds(1), DAY));

            assertThat(repository().activeByUser(handle("alice"), START.plusSeconds(2), 10))
                    .containsExactly(e);
        }

        @Test
        @DisplayName("accounts and devices are kept apart; an event without a device is read only by account")
        void isolated() {
            PasskeyEvent alice = appended("e1", "alice", null, PasskeyEvent.Type.OFFERED, START, DAY);
            PasskeyEvent bob = appended("e2", "bob", "shared", PasskeyEvent.Type.OFFERED, START, DAY);

            assertThat(repository().activeByUser(handle("alice"), START, 10)).containsExactly(alice);
            assertThat(repository().activeByUser(handle("bob"), START, 10)).containsExactly(bob);
            assertThat(repository().activeByDevice("shared", START, 10)).containsExactly(bob);
            assertThat(repository().activeByDevice("other", START, 10)).isEmpty();
            assertThat(repository().activeByUser(handle("carol"), START, 10)).isEmpty();
        }

        @Test
        @DisplayName("a limit below 1 is refused")
        void badLimit() {
            assertThatIllegalArgumentException().isThrownBy(() -> repository().activeByUser(handle("a"), START, 0));
            assertThatIllegalArgumentException().isThrownBy(() -> repository().activeByDevice("d", START, -1));
        }
    }

    @Nested
    @DisplayName("concurrency and bad input")
    class ConcurrencyAndInput {

        @Test
        @DisplayName("16 threads recording the same event id store it once")
        void concurrentSameId() {
            PasskeyEvent e = event("same", "alice", "d", "AFTER_ERROR", PasskeyEvent.Type.OFFERED, START, DAY);
            Concurrently.run(16, i -> () -> {
                repository().append(e);
                return null;
            });

            assertThat(repository().activeByUser(handle("alice"), START, 100)).containsExactly(e);
        }

        @Test
        @DisplayName("16 threads recording different events lose none")
        void concurrentDifferentIds() {
            Concurrently.run(16, i -> () -> {
                repository()
                        .append(event(
                                "e" + i,
                                "alice",
                                "d",
                                "AFTER_ERROR",
                                PasskeyEvent.Type.OFFERED,
                                START.plusMillis(i),
                                DAY));
                return null;
            });

            assertThat(repository().activeByUser(handle("alice"), START, 100)).hasSize(16);
            assertThat(repository().activeByDevice("d", START, 100)).hasSize(16);
        }

        @Test
        @DisplayName("null arguments are refused")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nulls() {
            assertThatNullPointerException().isThrownBy(() -> repository().append(null));
            assertThatNullPointerException().isThrownBy(() -> repository().activeByUser(null, START, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().activeByDevice(null, START, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().activeByUser(handle("a"), null, 1));
        }

        @Test
        @DisplayName("purging one account's expired events leaves another account's live ones")
        void purgeAcrossAccounts() {
            appended("e1", "alice", "d", PasskeyEvent.Type.OFFERED, START, Duration.ofMinutes(1));
            PasskeyEvent bob = appended("e2", "bob", "d", PasskeyEvent.Type.DECLINED, START, DAY);

            assertThat(repository().purgeExpired(START.plus(Duration.ofHours(1))))
                    .isEqualTo(1);
            assertThat(repository().activeByDevice("d", START.plus(Duration.ofHours(1)), 10))
                    .containsExactly(bob);
        }
    }

    @Nested
    @DisplayName("expiry")
    class Expiry {

        @Test
        @DisplayName("an event counts until just before its expiresAt and not at it")
        void expiresAtExactInstant() {
            PasskeyEvent e = appended("e1", "alice", "d", PasskeyEvent.Type.DECLINED, START, Duration.ofHours(1));

            assertThat(repository().activeByUser(handle("alice"), START.plus(Duration.ofMinutes(59)), 10))
                    .containsExactly(e);
            assertThat(repository().activeByUser(handle("alice"), START.plus(Duration.ofHours(1)), 10))
                    .isEmpty();
            assertThat(repository().activeByDevice("d", START.plus(Duration.ofHours(1)), 10))
                    .isEmpty();
        }

        @Test
        @DisplayName("purging deletes exactly the expired events and counts them")
        void purge() {
            appended("e1", "alice", "d", PasskeyEvent.Type.OFFERED, START, Duration.ofHours(1));
            appended("e2", "alice", "d", PasskeyEvent.Type.OFFERED, START, Duration.ofHours(2));
            PasskeyEvent kept = appended("e3", "alice", "d", PasskeyEvent.Type.OFFERED, START, Duration.ofHours(3));

            assertThat(repository().purgeExpired(START.plus(Duration.ofHours(2))))
                    .isEqualTo(2);
            assertThat(repository().purgeExpired(START.plus(Duration.ofHours(2))))
                    .isZero();
            assertThat(repository().activeByUser(handle("alice"), START, 10)).containsExactly(kept);
        }

        @Test
        @DisplayName("an expired event is left out of reads before any purge, while younger ones stay")
        void expiredNotReturned() {
            appended("e1", "alice", "d", PasskeyEvent.Type.OFFERED, START, Duration.ofMinutes(1));
            PasskeyEvent young = appended("e2", "alice", "d", PasskeyEvent.Type.OFFERED, START.plusSeconds(30), DAY);

            List<PasskeyEvent> later = repository().activeByUser(handle("alice"), START.plus(Duration.ofHours(1)), 10);
            assertThat(later).containsExactly(young);
        }
    }
}
