package dev.passkeyflow.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("InMemoryLoginAttemptRepository bounds")
class InMemoryLoginAttemptRepositoryTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Bytes ALICE = Bytes.of(new byte[] {1});
    private static final Bytes BOB = Bytes.of(new byte[] {2});
    private static final Bytes CRED = Bytes.of(new byte[] {9});

    private final TestClock clock = new TestClock(T0);

    private static LoginAttempt attempt(Bytes user, @Nullable String device, @Nullable Bytes credential, long second) {
        return new LoginAttempt(
                user, device, credential, AttemptOutcome.SUCCEEDED, null, second, T0.plusSeconds(second), null);
    }

    private static List<Long> markers(List<LoginAttempt> attempts) {
        return attempts.stream().map(LoginAttempt::elapsedMillis).toList();
    }

    @Nested
    @DisplayName("caps")
    class Caps {

        @Test
        @DisplayName("a user's history keeps the newest attempts up to the cap, in every index")
        void userCap() {
            var repository = new InMemoryLoginAttemptRepository(clock, 3, 100);
            for (int i = 1; i <= 5; i++) {
                repository.append(attempt(ALICE, "laptop", CRED, i));
            }

            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 10)))
                    .containsExactly(5L, 4L, 3L);
            assertThat(markers(repository.recentByDevice("laptop", Instant.EPOCH, 10)))
                    .containsExactly(5L, 4L, 3L);
            assertThat(markers(repository.recentByCredential(CRED, Instant.EPOCH, 10)))
                    .containsExactly(5L, 4L, 3L);
        }

        @Test
        @DisplayName("a device's history keeps the newest attempts up to the cap, and dropped ones leave the users too")
        void deviceCap() {
            var repository = new InMemoryLoginAttemptRepository(clock, 100, 2);
            repository.append(attempt(ALICE, "shared", null, 1));
            repository.append(attempt(BOB, "shared", null, 2));
            repository.append(attempt(BOB, "shared", null, 3));
            repository.append(attempt(ALICE, "own", null, 4));

            assertThat(markers(repository.recentByDevice("shared", Instant.EPOCH, 10)))
                    .containsExactly(3L, 2L);
            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 10)))
                    .containsExactly(4L);
            assertThat(markers(repository.recentByUser(BOB, Instant.EPOCH, 10))).containsExactly(3L, 2L);
        }

        @Test
        @DisplayName("an attempt older than a full history is dropped at once")
        void olderThanFullHistory() {
            var repository = new InMemoryLoginAttemptRepository(clock, 2, 100);
            repository.append(attempt(ALICE, "laptop", CRED, 10));
            repository.append(attempt(ALICE, "laptop", CRED, 20));

            repository.append(attempt(ALICE, "laptop", CRED, 5));

            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 10)))
                    .containsExactly(20L, 10L);
            assertThat(markers(repository.recentByDevice("laptop", Instant.EPOCH, 10)))
                    .containsExactly(20L, 10L);
            assertThat(markers(repository.recentByCredential(CRED, Instant.EPOCH, 10)))
                    .containsExactly(20L, 10L);
        }

        @Test
        @DisplayName("the default caps keep 1,000 attempts per user")
        void defaultCaps() {
            var repository = new InMemoryLoginAttemptRepository(clock);
            for (int i = 0; i < 1_200; i++) {
                repository.append(attempt(ALICE, null, null, i));
            }

            List<LoginAttempt> all = repository.recentByUser(ALICE, Instant.EPOCH, 5_000);
            assertThat(all).hasSize(InMemoryLoginAttemptRepository.DEFAULT_MAX_ATTEMPTS_PER_USER);
            assertThat(all.get(0).elapsedMillis()).isEqualTo(1_199);
            assertThat(all.get(all.size() - 1).elapsedMillis()).isEqualTo(200);
        }

        @Test
        @DisplayName("an attempt dropped by a cap is not counted again by a purge")
        void droppedNotCountedByPurge() {
            var repository = new InMemoryLoginAttemptRepository(clock, 1, 100);
            repository.append(attempt(ALICE, "laptop", CRED, 1));
            repository.append(attempt(ALICE, "laptop", CRED, 2));

            assertThat(repository.purgeOlderThan(T0.plusSeconds(100))).isEqualTo(1);
            assertThat(repository.recentByDevice("laptop", Instant.EPOCH, 10)).isEmpty();
        }
    }

    @Nested
    @DisplayName("maximum age")
    class MaximumAge {

        @Test
        @DisplayName("attempts older than the maximum age are no longer returned")
        void oldAttemptsHidden() {
            var repository = new InMemoryLoginAttemptRepository(clock, 100, 100, Duration.ofHours(1));
            repository.append(attempt(ALICE, "laptop", CRED, 0));
            repository.append(attempt(ALICE, "laptop", CRED, 1800));

            clock.advance(Duration.ofHours(1).plusSeconds(1));

            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 10)))
                    .containsExactly(1800L);
            assertThat(markers(repository.recentByDevice("laptop", Instant.EPOCH, 10)))
                    .containsExactly(1800L);
            assertThat(markers(repository.recentByCredential(CRED, Instant.EPOCH, 10)))
                    .containsExactly(1800L);
        }

        @Test
        @DisplayName("a purge also deletes and counts the attempts past the maximum age")
        void purgeUsesMaximumAge() {
            var repository = new InMemoryLoginAttemptRepository(clock, 100, 100, Duration.ofHours(1));
            repository.append(attempt(ALICE, "laptop", CRED, 0));
            repository.append(attempt(BOB, null, null, 3000));
            clock.advance(Duration.ofHours(2));

            assertThat(repository.purgeOlderThan(Instant.EPOCH)).isEqualTo(2);
            assertThat(repository.purgeOlderThan(Instant.EPOCH)).isZero();
        }

        @Test
        @DisplayName("an attempt appended already past the maximum age is not kept")
        void staleAppendDropped() {
            var repository = new InMemoryLoginAttemptRepository(clock, 100, 100, Duration.ofHours(1));
            clock.advance(Duration.ofHours(3));

            repository.append(attempt(ALICE, "laptop", CRED, 0));

            assertThat(repository.recentByUser(ALICE, Instant.EPOCH, 10)).isEmpty();
            assertThat(repository.purgeOlderThan(Instant.EPOCH)).isZero();
        }
    }

    @Nested
    @DisplayName("ordering under growth, caps and out-of-order appends")
    class Ordering {

        /** A reference model: every attempt kept, sorted newest first by time, then later-appended first. */
        private List<LoginAttempt> newestFirst(List<LoginAttempt> appended) {
            List<LoginAttempt> sorted = new ArrayList<>(appended);
            // Stable sort by time descending after reversing, so ties come later-appended first.
            Collections.reverse(sorted);
            sorted.sort(Comparator.comparing(LoginAttempt::at).reversed());
            return sorted;
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 42})
        @DisplayName("thousands of attempts appended in shuffled order with many ties come back in the reference order")
        void shuffledAppends(long seed) {
            Random random = new Random(seed);
            var repository = new InMemoryLoginAttemptRepository(clock, 10_000, 10_000);
            List<LoginAttempt> appended = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                // Mostly increasing times, as in production, with a third of them out of order and ties.
                long second = random.nextInt(3) == 0 ? random.nextInt(Math.max(1, i / 2) + 1) : i / 2;
                LoginAttempt attempt = new LoginAttempt(
                        ALICE, "laptop", CRED, AttemptOutcome.SUCCEEDED, null, i, T0.plusSeconds(second), null);
                appended.add(attempt);
                repository.append(attempt);
            }

            List<Long> expected = markers(newestFirst(appended));
            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 10_000)))
                    .isEqualTo(expected);
            assertThat(markers(repository.recentByDevice("laptop", Instant.EPOCH, 10_000)))
                    .isEqualTo(expected);
            assertThat(markers(repository.recentByCredential(CRED, Instant.EPOCH, 10_000)))
                    .isEqualTo(expected);
            Instant since = T0.plusSeconds(700);
            assertThat(markers(repository.recentByUser(ALICE, since, 50)))
                    .isEqualTo(markers(newestFirst(appended).stream()
                            .filter(a -> !a.at().isBefore(since))
                            .limit(50)
                            .toList()));
        }

        @Test
        @DisplayName("a capped history keeps the newest attempts in order while its storage slides, grows and shrinks")
        void slidingCap() {
            var repository = new InMemoryLoginAttemptRepository(clock, 100, 100);
            List<LoginAttempt> appended = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                LoginAttempt attempt = attempt(ALICE, "laptop", null, i);
                appended.add(attempt);
                repository.append(attempt);
            }
            assertThat(markers(repository.recentByUser(ALICE, Instant.EPOCH, 1_000)))
                    .isEqualTo(markers(newestFirst(appended).subList(0, 100)));

            // A purge that leaves a handful, then more appends: the survivors and the new ones, in order.
            assertThat(repository.purgeOlderThan(T0.plusSeconds(4_995))).isEqualTo(95);
            for (int i = 5_000; i < 5_010; i++) {
                LoginAttempt attempt = attempt(ALICE, "laptop", null, i);
                appended.add(attempt);
                repository.append(attempt);
            }
            assertThat(markers(repository.recentByDevice("laptop", Instant.EPOCH, 1_000)))
                    .isEqualTo(markers(newestFirst(appended).subList(0, 15)));
        }
    }

    @Nested
    @DisplayName("construction")
    class Construction {

        @Test
        @DisplayName("non-positive caps and maximum ages are rejected")
        void invalidSettings() {
            Clock utc = Clock.systemUTC();
            assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryLoginAttemptRepository(utc, 0, 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryLoginAttemptRepository(utc, 1, -1));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new InMemoryLoginAttemptRepository(utc, 1, 1, Duration.ZERO));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new InMemoryLoginAttemptRepository(utc, 1, 1, Duration.ofSeconds(-1)));
            assertThatNullPointerException()
                    .isThrownBy(() -> new InMemoryLoginAttemptRepository(null))
                    .withMessage("clock");
        }

        @Test
        @DisplayName("a null argument is named in the exception")
        void nullNamed() {
            var repository = new InMemoryLoginAttemptRepository();
            assertThatNullPointerException()
                    .isThrownBy(() -> repository.recentByUser(null, T0, 1))
                    .withMessage("userHandle");
            assertThatNullPointerException()
                    .isThrownBy(() -> repository.recentByDevice("d", null, 1))
                    .withMessage("since");
        }
    }
}
