package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link LoginAttemptRepository} must meet, as an abstract JUnit 5 test class.
 *
 * <p>To check an implementation, extend this class in your test sources and implement the one
 * factory hook; JUnit runs every inherited {@code @Nested} group against a fresh, empty
 * repository per test:
 *
 * <pre>{@code
 * class H2LoginAttemptRepositoryContractTest extends LoginAttemptRepositoryContract {
 *
 *     private JdbcDataSource dataSource;
 *
 *     @Override
 *     protected LoginAttemptRepository createRepository(MutableClock clock) {
 *         dataSource = new JdbcDataSource();                          // a new, empty database per test
 *         dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
 *         return JdbcStorage.builder().dataSource(dataSource).clock(clock)
 *                 .initializeSchema(true).build().attempts();
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
 * <p>The hook is called before every test and must return an <em>empty</em> repository(). If the
 * implementation reads the time (for example to expire old attempts), it must read it from the
 * given clock, which the tests control. Release resources in an {@code @AfterEach} method of the
 * subclass if needed.
 *
 * <p>The kit records attempts within a few hours of the clock's start, uses only whole-millisecond
 * instants and puts at most 640 attempts on one user and 40 on one device or credential, so an
 * implementation that caps its history may keep as few as 640 per user and 40 per device and
 * credential. Attempts with the same instant must come back later-appended first: a database
 * implementation needs an insertion sequence column to break ties.
 *
 * <p>Longer than the project's 400 lines on purpose: a kit is one class an implementer extends
 * (micrometer-test's model), so its length is its list of tests, grouped with {@code @Nested};
 * splitting it would make every implementer extend several classes.
 */
public abstract class LoginAttemptRepositoryContract extends RepositoryContract<LoginAttemptRepository> {

    private static final Bytes ALICE = handle("alice");
    private static final Bytes BOB = handle("bob");
    private static final Bytes CRED_1 = bytes("credential-1");
    private static final Bytes CRED_2 = bytes("credential-2");
    private static final String LAPTOP = "device-laptop";
    private static final String PHONE = "device-phone";
    /** A lower bound before every attempt the kit records. */
    private static final Instant EPOCH = Instant.EPOCH;

    /**
     * Creates the repository under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; the implementation must read the time from it,
     *     if it reads the time at all
     * @return a new, empty repository
     */
    @Override
    protected abstract LoginAttemptRepository createRepository(MutableClock clock);

    // ---------------------------------------------------------------- fixtures

    private static Bytes bytes(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Bytes handle(String name) {
        return bytes("handle-" + name);
    }

    /** An instant {@code seconds} after the start of the clock(). */
    private static Instant at(long seconds) {
        return START.plusSeconds(seconds);
    }

    /**
     * An attempt whose {@code elapsedMillis} is a marker that identifies it in results; the
     * outcome and the rest are fixed.
     */
    private static LoginAttempt attempt(
            Bytes user, @Nullable String device, @Nullable Bytes credential, Instant at, long marker) {
        return new LoginAttempt(
                user, device, credential, AttemptOutcome.CANCELLED, "NotAllowedError", marker, at, "macOS");
    }

    private LoginAttempt appended(
            Bytes user, @Nullable String device, @Nullable Bytes credential, Instant at, long marker) {
        LoginAttempt attempt = attempt(user, device, credential, at, marker);
        repository().append(attempt);
        return attempt;
    }

    private static List<Long> markers(List<LoginAttempt> attempts) {
        return attempts.stream().map(LoginAttempt::elapsedMillis).toList();
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("round trips")
    class RoundTrips {

        @Test
        @DisplayName("every field of a fully populated attempt survives a round trip")
        void fullAttemptRoundTrips() {
            LoginAttempt attempt = new LoginAttempt(
                    ALICE,
                    LAPTOP,
                    CRED_1,
                    AttemptOutcome.COUNTER_REGRESSION,
                    "Erreur_spéciale",
                    1234,
                    at(60).plusMillis(789),
                    "Windows ✓");

            repository().append(attempt);

            assertThat(repository().recentByUser(ALICE, EPOCH, 10)).containsExactly(attempt);
            assertThat(repository().recentByDevice(LAPTOP, EPOCH, 10)).containsExactly(attempt);
            assertThat(repository().recentByCredential(CRED_1, EPOCH, 10)).containsExactly(attempt);
        }

        @Test
        @DisplayName(
                "the authenticator attachment of a success and the offer kind of a registration outcome survive a round trip")
        void attachmentAndOfferKindRoundTrip() {
            LoginAttempt hybrid = new LoginAttempt(
                    ALICE,
                    LAPTOP,
                    CRED_1,
                    AttemptOutcome.SUCCEEDED,
                    null,
                    2500,
                    at(10),
                    "Windows",
                    "cross-platform",
                    null);
            LoginAttempt declined = new LoginAttempt(
                    ALICE,
                    LAPTOP,
                    null,
                    AttemptOutcome.REGISTRATION_DECLINED,
                    null,
                    -1,
                    at(11),
                    "Windows",
                    null,
                    "AFTER_HYBRID");

            repository().append(hybrid);
            repository().append(declined);

            List<LoginAttempt> found = repository().recentByUser(ALICE, EPOCH, 10);
            assertThat(found).containsExactly(declined, hybrid);
            assertThat(found.get(1).authenticatorAttachment()).isEqualTo("cross-platform");
            assertThat(found.get(1).crossPlatformSuccess()).isTrue();
            assertThat(found.get(0).offerKind()).isEqualTo("AFTER_HYBRID");
        }

        @Test
        @DisplayName("an attempt with every optional field absent survives a round trip")
        void minimalAttemptRoundTrips() {
            LoginAttempt attempt =
                    new LoginAttempt(ALICE, null, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1, at(1), null);

            repository().append(attempt);

            List<LoginAttempt> found = repository().recentByUser(ALICE, EPOCH, 10);
            assertThat(found).containsExactly(attempt);
            assertThat(found.get(0).deviceId()).isNull();
            assertThat(found.get(0).credentialId()).isNull();
            assertThat(found.get(0).clientErrorName()).isNull();
            assertThat(found.get(0).platform()).isNull();
            assertThat(found.get(0).authenticatorAttachment()).isNull();
            assertThat(found.get(0).offerKind()).isNull();
            assertThat(found.get(0).elapsedMillis()).isEqualTo(-1);
        }

        @Test
        @DisplayName("every outcome survives a round trip")
        void everyOutcomeRoundTrips() {
            List<LoginAttempt> appended = new ArrayList<>();
            AttemptOutcome[] outcomes = AttemptOutcome.values();
            for (int i = 0; i < outcomes.length; i++) {
                LoginAttempt attempt = new LoginAttempt(ALICE, LAPTOP, null, outcomes[i], null, i, at(i), null);
                repository().append(attempt);
                appended.add(attempt);
            }
            Collections.reverse(appended);

            assertThat(repository().recentByUser(ALICE, EPOCH, 100)).containsExactlyElementsOf(appended);
        }

        @Test
        @DisplayName("a client error name of the maximum length survives a round trip")
        void longErrorNameRoundTrips() {
            String name = "E".repeat(LoginAttempt.MAX_CLIENT_ERROR_NAME_LENGTH);
            LoginAttempt attempt =
                    new LoginAttempt(ALICE, null, null, AttemptOutcome.CLIENT_ERROR, name, 0, at(0), null);

            repository().append(attempt);

            assertThat(repository().recentByUser(ALICE, EPOCH, 1)).containsExactly(attempt);
        }

        @Test
        @DisplayName("nothing is found where nothing was recorded")
        void emptyResults() {
            appended(ALICE, LAPTOP, CRED_1, at(0), 1);

            assertThat(repository().recentByUser(BOB, EPOCH, 10)).isEmpty();
            assertThat(repository().recentByDevice(PHONE, EPOCH, 10)).isEmpty();
            assertThat(repository().recentByCredential(CRED_2, EPOCH, 10)).isEmpty();
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsAreRejected() {
            assertThatNullPointerException().isThrownBy(() -> repository().append(null));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByUser(null, EPOCH, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByUser(ALICE, null, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByDevice(null, EPOCH, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByDevice(LAPTOP, null, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByCredential(null, EPOCH, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().recentByCredential(CRED_1, null, 1));
            assertThatNullPointerException().isThrownBy(() -> repository().purgeOlderThan(null));
        }
    }

    @Nested
    @DisplayName("attempt ids")
    class AttemptIds {

        private LoginAttempt withId(
                Bytes user,
                @Nullable String device,
                @Nullable Bytes credential,
                Instant at,
                long marker,
                String attemptId) {
            return attempt(user, device, credential, at, marker).withAttemptId(attemptId);
        }

        @Test
        @DisplayName("an attempt with an attempt id of the maximum length comes back with its id")
        void attemptIdRoundTrips() {
            String id = "flow-1/7/0-" + "x".repeat(LoginAttempt.MAX_ATTEMPT_ID_LENGTH - 11);
            LoginAttempt attempt = withId(ALICE, LAPTOP, CRED_1, at(1), 1, id);

            repository().append(attempt);

            assertThat(repository().recentByUser(ALICE, EPOCH, 10)).containsExactly(attempt);
            assertThat(repository().recentByUser(ALICE, EPOCH, 10).get(0).attemptId())
                    .isEqualTo(id);
        }

        @Test
        @DisplayName("an attempt appended twice with the same attempt id is stored once, in every index")
        void sameIdStoredOnce() {
            LoginAttempt attempt = withId(ALICE, LAPTOP, CRED_1, at(5), 1, "flow-1/3/0");

            repository().append(attempt);
            repository().append(attempt);
            repository().append(attempt);

            assertThat(repository().recentByUser(ALICE, EPOCH, 10)).containsExactly(attempt);
            assertThat(repository().recentByDevice(LAPTOP, EPOCH, 10)).containsExactly(attempt);
            assertThat(repository().recentByCredential(CRED_1, EPOCH, 10)).containsExactly(attempt);
        }

        @Test
        @DisplayName("a repeat of an attempt appended among others is still stored once")
        void repeatAmongOthers() {
            LoginAttempt first = withId(ALICE, LAPTOP, null, at(5), 1, "flow-1/1/0");
            repository().append(first);
            appended(ALICE, LAPTOP, null, at(5), 2);
            LoginAttempt second = withId(ALICE, PHONE, null, at(5), 3, "flow-1/2/0");
            repository().append(second);

            repository().append(first);
            repository().append(second);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(3L, 2L, 1L);
        }

        @Test
        @DisplayName("attempts with different ids, and identical attempts without an id, are each stored")
        void distinctIdsAndNoIdsAreAllStored() {
            repository().append(withId(ALICE, LAPTOP, null, at(5), 1, "flow-1/1/0"));
            repository().append(withId(ALICE, LAPTOP, null, at(5), 1, "flow-1/1/1"));
            repository().append(withId(ALICE, LAPTOP, null, at(5), 1, "flow-2/1/0"));
            LoginAttempt withoutId = attempt(ALICE, LAPTOP, null, at(6), 2);
            repository().append(withoutId);
            repository().append(withoutId);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(2L, 2L, 1L, 1L, 1L);
            assertThat(repository().recentByDevice(LAPTOP, EPOCH, 10)).hasSize(5);
        }

        @Test
        @DisplayName("attempt ids of different users do not collide in ways that lose either user's attempt")
        void idsAreCompared() {
            repository().append(withId(ALICE, null, null, at(5), 1, "flow-a/1/0"));
            repository().append(withId(BOB, null, null, at(5), 2, "flow-b/1/0"));

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(1L);
            assertThat(markers(repository().recentByUser(BOB, EPOCH, 10))).containsExactly(2L);
        }

        @Test
        @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
        @DisplayName("the same attempt appended from many threads at once is stored exactly once")
        void concurrentRepeatsStoredOnce() {
            int threads = 12;
            int rounds = 10;
            for (int round = 0; round < rounds; round++) {
                LoginAttempt attempt =
                        withId(ALICE, LAPTOP, CRED_1, at(100 + round), round, "flow-race/" + round + "/0");
                Concurrently.run(threads, t -> () -> {
                    repository().append(attempt);
                    return null;
                });
            }

            List<Long> stored = markers(repository().recentByUser(ALICE, EPOCH, 1000));
            assertThat(stored).as("one attempt per round").hasSize(rounds).doesNotHaveDuplicates();
            assertThat(repository().recentByDevice(LAPTOP, EPOCH, 1000)).hasSize(rounds);
            assertThat(repository().recentByCredential(CRED_1, EPOCH, 1000)).hasSize(rounds);
        }
    }

    @Nested
    @DisplayName("windows by user")
    class WindowsByUser {

        @Test
        @DisplayName("attempts at or after since are returned and older ones are not")
        void sinceIsInclusive() {
            appended(ALICE, null, null, at(100).minusMillis(1), 1);
            appended(ALICE, null, null, at(100), 2);
            appended(ALICE, null, null, at(101), 3);

            assertThat(markers(repository().recentByUser(ALICE, at(100), 10))).containsExactly(3L, 2L);
            assertThat(markers(repository().recentByUser(ALICE, at(100).minusMillis(1), 10)))
                    .containsExactly(3L, 2L, 1L);
            assertThat(markers(repository().recentByUser(ALICE, at(102), 10))).isEmpty();
        }

        @Test
        @DisplayName("results come newest first, whatever the order attempts were appended in")
        void newestFirst() {
            appended(ALICE, null, null, at(20), 20);
            appended(ALICE, null, null, at(10), 10);
            appended(ALICE, null, null, at(40), 40);
            appended(ALICE, null, null, at(30), 30);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(40L, 30L, 20L, 10L);
        }

        @Test
        @DisplayName("at most limit attempts are returned, and they are the newest")
        void limitKeepsNewest() {
            for (int i = 1; i <= 5; i++) {
                appended(ALICE, null, null, at(i), i);
            }

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 3))).containsExactly(5L, 4L, 3L);
            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 1))).containsExactly(5L);
            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 5))).containsExactly(5L, 4L, 3L, 2L, 1L);
            assertThat(markers(repository().recentByUser(ALICE, EPOCH, Integer.MAX_VALUE)))
                    .hasSize(5);
        }

        @Test
        @DisplayName(
                "the limit picks the newest attempts within the window, and a window smaller than the limit is returned whole")
        void limitAfterWindow() {
            for (int i = 1; i <= 5; i++) {
                appended(ALICE, null, null, at(i), i);
            }

            assertThat(markers(repository().recentByUser(ALICE, at(2), 2))).containsExactly(5L, 4L);
            assertThat(markers(repository().recentByUser(ALICE, at(4), 3))).containsExactly(5L, 4L);
        }

        @Test
        @DisplayName("attempts at the same instant come later-appended first")
        void tiesByInsertionOrder() {
            appended(ALICE, null, null, at(5), 1);
            appended(ALICE, null, null, at(9), 2);
            appended(ALICE, null, null, at(5), 3);
            appended(ALICE, null, null, at(5), 4);
            appended(ALICE, null, null, at(1), 5);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(2L, 4L, 3L, 1L, 5L);
            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 2))).containsExactly(2L, 4L);
        }

        @Test
        @DisplayName("each user sees only their own attempts")
        void usersAreIsolated() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(BOB, LAPTOP, CRED_2, at(2), 2);
            appended(ALICE, PHONE, null, at(3), 3);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(3L, 1L);
            assertThat(markers(repository().recentByUser(BOB, EPOCH, 10))).containsExactly(2L);
        }
    }

    @Nested
    @DisplayName("windows by device")
    class WindowsByDevice {

        @Test
        @DisplayName("a device's attempts of every user are returned, newest first")
        void deviceAcrossUsers() {
            appended(ALICE, LAPTOP, null, at(1), 1);
            appended(BOB, LAPTOP, CRED_2, at(3), 3);
            appended(ALICE, LAPTOP, CRED_1, at(2), 2);

            assertThat(markers(repository().recentByDevice(LAPTOP, EPOCH, 10))).containsExactly(3L, 2L, 1L);
        }

        @Test
        @DisplayName("other devices' attempts and attempts without a device are excluded")
        void devicesAreIsolated() {
            appended(ALICE, LAPTOP, null, at(1), 1);
            appended(ALICE, PHONE, null, at(2), 2);
            appended(ALICE, null, null, at(3), 3);

            assertThat(markers(repository().recentByDevice(LAPTOP, EPOCH, 10))).containsExactly(1L);
            assertThat(markers(repository().recentByDevice(PHONE, EPOCH, 10))).containsExactly(2L);
            assertThat(markers(repository().recentByDevice("", EPOCH, 10))).isEmpty();
            assertThat(markers(repository().recentByDevice("null", EPOCH, 10))).isEmpty();
        }

        @Test
        @DisplayName("the window, the limit and ties apply to devices too")
        void windowLimitAndTies() {
            appended(ALICE, LAPTOP, null, at(0), 0);
            appended(ALICE, LAPTOP, null, at(10), 1);
            appended(BOB, LAPTOP, null, at(10), 2);
            appended(ALICE, LAPTOP, null, at(10), 3);
            appended(BOB, LAPTOP, null, at(20), 4);

            assertThat(markers(repository().recentByDevice(LAPTOP, at(10), 10))).containsExactly(4L, 3L, 2L, 1L);
            assertThat(markers(repository().recentByDevice(LAPTOP, at(10), 3))).containsExactly(4L, 3L, 2L);
        }
    }

    @Nested
    @DisplayName("windows by credential")
    class WindowsByCredential {

        @Test
        @DisplayName("a credential's attempts are returned newest first, even from another user")
        void credentialAttempts() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(BOB, PHONE, CRED_1, at(2), 2);
            appended(ALICE, PHONE, CRED_1, at(3), 3);

            assertThat(markers(repository().recentByCredential(CRED_1, EPOCH, 10)))
                    .containsExactly(3L, 2L, 1L);
        }

        @Test
        @DisplayName("other credentials' attempts and attempts without a credential are excluded")
        void credentialsAreIsolated() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(ALICE, LAPTOP, CRED_2, at(2), 2);
            appended(ALICE, LAPTOP, null, at(3), 3);

            assertThat(markers(repository().recentByCredential(CRED_1, EPOCH, 10)))
                    .containsExactly(1L);
            assertThat(markers(repository().recentByCredential(CRED_2, EPOCH, 10)))
                    .containsExactly(2L);
        }

        @Test
        @DisplayName("the window, the limit and ties apply to credentials too")
        void windowLimitAndTies() {
            appended(ALICE, null, CRED_1, at(0), 0);
            appended(ALICE, null, CRED_1, at(10), 1);
            appended(ALICE, null, CRED_1, at(10), 2);
            appended(ALICE, null, CRED_1, at(10), 3);
            appended(ALICE, null, CRED_1, at(20), 4);

            assertThat(markers(repository().recentByCredential(CRED_1, at(10), 10)))
                    .containsExactly(4L, 3L, 2L, 1L);
            assertThat(markers(repository().recentByCredential(CRED_1, at(10), 2)))
                    .containsExactly(4L, 3L);
        }
    }

    @Nested
    @DisplayName("limits")
    class Limits {

        @Test
        @DisplayName("a limit of zero or less is rejected by every query")
        void nonPositiveLimitIsRejected() {
            appended(ALICE, LAPTOP, CRED_1, at(0), 1);

            for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
                assertThatIllegalArgumentException()
                        .as("recentByUser, limit %d", limit)
                        .isThrownBy(() -> repository().recentByUser(ALICE, EPOCH, limit));
                assertThatIllegalArgumentException()
                        .as("recentByDevice, limit %d", limit)
                        .isThrownBy(() -> repository().recentByDevice(LAPTOP, EPOCH, limit));
                assertThatIllegalArgumentException()
                        .as("recentByCredential, limit %d", limit)
                        .isThrownBy(() -> repository().recentByCredential(CRED_1, EPOCH, limit));
            }
        }

        @Test
        @DisplayName("a limit of one returns only the newest attempt of each index")
        void limitOfOne() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(ALICE, LAPTOP, CRED_1, at(2), 2);
            appended(ALICE, LAPTOP, CRED_1, at(0), 3);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 1))).containsExactly(2L);
            assertThat(markers(repository().recentByDevice(LAPTOP, EPOCH, 1))).containsExactly(2L);
            assertThat(markers(repository().recentByCredential(CRED_1, EPOCH, 1)))
                    .containsExactly(2L);
        }
    }

    @Nested
    @DisplayName("purging")
    class Purging {

        @Test
        @DisplayName("purging deletes the attempts before the cutoff from every index and counts them")
        void purgeDeletesAndCounts() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(BOB, PHONE, CRED_2, at(2), 2);
            appended(ALICE, LAPTOP, CRED_1, at(3), 3);
            appended(BOB, null, null, at(4), 4);

            assertThat(repository().purgeOlderThan(at(3))).isEqualTo(2);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(3L);
            assertThat(markers(repository().recentByUser(BOB, EPOCH, 10))).containsExactly(4L);
            assertThat(markers(repository().recentByDevice(LAPTOP, EPOCH, 10))).containsExactly(3L);
            assertThat(repository().recentByDevice(PHONE, EPOCH, 10)).isEmpty();
            assertThat(markers(repository().recentByCredential(CRED_1, EPOCH, 10)))
                    .containsExactly(3L);
            assertThat(repository().recentByCredential(CRED_2, EPOCH, 10)).isEmpty();
        }

        @Test
        @DisplayName("an attempt exactly at the cutoff is kept")
        void cutoffIsExclusive() {
            appended(ALICE, null, null, at(10).minusMillis(1), 1);
            appended(ALICE, null, null, at(10), 2);

            assertThat(repository().purgeOlderThan(at(10))).isEqualTo(1);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(2L);
        }

        @Test
        @DisplayName("purging when nothing is old enough deletes nothing and returns 0")
        void purgeNothing() {
            appended(ALICE, LAPTOP, CRED_1, at(5), 1);

            assertThat(repository().purgeOlderThan(at(5))).isZero();
            assertThat(repository().purgeOlderThan(EPOCH)).isZero();

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(1L);
        }

        @Test
        @DisplayName("purging an empty repository returns 0")
        void purgeEmpty() {
            assertThat(repository().purgeOlderThan(at(1000))).isZero();
        }

        @Test
        @DisplayName("purging twice counts each attempt once")
        void purgeTwice() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            appended(ALICE, LAPTOP, CRED_1, at(2), 2);

            assertThat(repository().purgeOlderThan(at(100))).isEqualTo(2);
            assertThat(repository().purgeOlderThan(at(100))).isZero();
        }

        @Test
        @DisplayName("attempts appended after a purge are found")
        void appendAfterPurge() {
            appended(ALICE, LAPTOP, CRED_1, at(1), 1);
            repository().purgeOlderThan(at(100));

            appended(ALICE, LAPTOP, CRED_1, at(200), 2);

            assertThat(markers(repository().recentByUser(ALICE, EPOCH, 10))).containsExactly(2L);
            assertThat(markers(repository().recentByDevice(LAPTOP, EPOCH, 10))).containsExactly(2L);
            assertThat(markers(repository().recentByCredential(CRED_1, EPOCH, 10)))
                    .containsExactly(2L);
        }
    }

    @Nested
    @DisplayName("concurrency")
    @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
    class Concurrency {

        @Test
        @DisplayName("attempts appended from many threads are all found afterwards, each thread's in reverse order")
        void concurrentAppends() {
            int threads = 16;
            int perThread = 40;
            // Every attempt has the same instant, so order depends on insertion order alone.
            Instant instant = at(3600);
            Concurrently.run(threads, t -> () -> {
                for (int i = 0; i < perThread; i++) {
                    repository()
                            .append(attempt(ALICE, "device-" + t, bytes("credential-" + t), instant, t * 1000L + i));
                }
                return null;
            });

            List<Long> all = markers(repository().recentByUser(ALICE, EPOCH, threads * perThread * 2));
            assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
            for (int t = 0; t < threads; t++) {
                List<Long> expected = new ArrayList<>();
                for (int i = perThread - 1; i >= 0; i--) {
                    expected.add(t * 1000L + i);
                }
                long base = t * 1000L;
                assertThat(all.stream()
                                .filter(m -> m >= base && m < base + 1000)
                                .toList())
                        .as("thread %d's attempts in the user's history", t)
                        .containsExactlyElementsOf(expected);
                assertThat(markers(repository().recentByDevice("device-" + t, EPOCH, perThread * 2)))
                        .as("device of thread %d", t)
                        .containsExactlyElementsOf(expected);
                assertThat(markers(repository().recentByCredential(bytes("credential-" + t), EPOCH, perThread * 2)))
                        .as("credential of thread %d", t)
                        .containsExactlyElementsOf(expected);
            }
        }

        @Test
        @DisplayName("queries running alongside appends see only complete, ordered windows")
        void queriesDuringAppends() {
            int writers = 8;
            int perWriter = 40;
            List<List<String>> problems = Concurrently.run(writers + 4, t -> () -> {
                List<String> found = new ArrayList<>();
                if (t < writers) {
                    for (int i = 0; i < perWriter; i++) {
                        repository().append(attempt(BOB, "phone-" + t, null, at(i), t * 1000L + i));
                    }
                } else {
                    for (int round = 0; round < 50; round++) {
                        List<LoginAttempt> window = repository().recentByUser(BOB, EPOCH, 10);
                        if (window.size() > 10) {
                            found.add("more than limit: " + window.size());
                        }
                        for (int k = 1; k < window.size(); k++) {
                            if (window.get(k).at().isAfter(window.get(k - 1).at())) {
                                found.add("not newest first: " + markers(window));
                            }
                        }
                        if (window.stream().anyMatch(Objects::isNull)) {
                            found.add("null element");
                        }
                    }
                }
                return found;
            });

            assertThat(problems).allSatisfy(list -> assertThat(list).isEmpty());
            assertThat(repository().recentByUser(BOB, EPOCH, 1000)).hasSize(writers * perWriter);
            for (int t = 0; t < writers; t++) {
                assertThat(repository().recentByDevice("phone-" + t, EPOCH, 1000))
                        .hasSize(perWriter);
            }
        }
    }
}
