package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StepWrites.CredentialUse;
import dev.passkeyflow.storage.StepWrites.StatusChange;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link AtomicStepRepository} must meet, as an abstract JUnit 5 test class:
 * a step's flow update and its writes are committed together or not at all, and of racing commits
 * of one version exactly one is.
 *
 * <p>An atomic step repository is a view of one database shared with a flow, a credential and an
 * attempt repository; the kit sets up state and checks results through those. Extend this class
 * and implement the one factory hook:
 *
 * <pre>{@code
 * class H2AtomicStepRepositoryContractTest extends AtomicStepRepositoryContract {
 *
 *     private JdbcDataSource dataSource;
 *
 *     @Override
 *     protected Stores createStores(MutableClock clock) {
 *         dataSource = new JdbcDataSource();                          // a new, empty database per test
 *         dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
 *         JdbcStorage storage = JdbcStorage.builder().dataSource(dataSource).clock(clock)
 *                 .initializeSchema(true).build();
 *         return new Stores(storage.steps(), storage.flows(), storage.credentials(), storage.attempts());
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
 * <p>The hook is called before every test and must return empty stores that judge flow expiry by
 * the given clock. The kit uses whole-millisecond instants, two accounts with a few credentials,
 * one or two flows, and races 8 threads on one flow version; an implementation must take the
 * flow's version check and its writes in one transaction (a conditional {@code UPDATE} first,
 * whose row lock makes racing commits wait and then fail the check).
 *
 * <p>Longer than the project's 400 lines on purpose: a kit is one class an implementer extends
 * (micrometer-test's model), so its length is its list of tests, grouped with {@code @Nested};
 * splitting it would make every implementer extend several classes.
 */
public abstract class AtomicStepRepositoryContract {

    /** Where the clock given to {@link #createStores(MutableClock)} starts. */
    protected static final Instant START = MutableClock.DEFAULT_START;

    /**
     * The repository under test and the views of the same database through which the kit sets up
     * and checks state.
     */
    public record Stores(
            AtomicStepRepository steps,
            FlowStateRepository flows,
            CredentialRepository credentials,
            LoginAttemptRepository attempts) {
        public Stores {
            Objects.requireNonNull(steps, "steps");
            Objects.requireNonNull(flows, "flows");
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(attempts, "attempts");
        }
    }

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final UserAccount ALICE = new UserAccount(bytes("handle-alice"), "alice@example.com", "Alice");
    private static final UserAccount BOB = new UserAccount(bytes("handle-bob"), "bob@example.com", "Bob");
    private static final Bytes ALICE_KEY = bytes("cred-alice");
    private static final Bytes BOB_KEY = bytes("cred-bob");
    private static final Bytes NEW_KEY = bytes("cred-new");
    private static final ClientInfo LAPTOP = new ClientInfo("device-laptop", "macOS", "Firefox");
    private static final Instant EPOCH = Instant.EPOCH;

    private MutableClock clock;
    private Stores stores;
    private FlowRecord flow;

    /**
     * Creates the stores under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; flow expiry must be judged by it
     * @return the atomic step repository and the views of the same database
     */
    protected abstract Stores createStores(MutableClock clock);

    @BeforeEach
    final void createStoresUnderTest() {
        clock = new MutableClock(START);
        stores = createStores(clock);
        assertThat(stores).as("createStores(clock)").isNotNull();
        stores.credentials().saveUser(ALICE);
        stores.credentials().saveUser(BOB);
        stores.credentials().saveCredential(credential(ALICE_KEY, ALICE, "key-alice"));
        stores.credentials().saveCredential(credential(BOB_KEY, BOB, "key-bob"));
        flow = new FlowRecord("flow-1", 0, START.plus(TTL), "{\"v\":0}");
        stores.flows().create(flow);
    }

    /** Returns the stores of the running test, for a subclass's own extra tests. */
    protected final Stores stores() {
        return stores;
    }

    /** Returns the clock of the running test, for a subclass's own extra tests. */
    protected final MutableClock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- fixtures

    private static Bytes bytes(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredCredential credential(Bytes id, UserAccount owner, String publicKey) {
        return new StoredCredential(
                id,
                owner.userHandle(),
                bytes(publicKey),
                5,
                Set.of("internal"),
                true,
                false,
                null,
                START,
                null,
                LAPTOP,
                null,
                CredentialStatus.ACTIVE,
                "nick-" + publicKey);
    }

    private static LoginAttempt attempt(UserAccount user, long marker, String attemptId) {
        return new LoginAttempt(
                user.userHandle(),
                "device-laptop",
                ALICE_KEY,
                AttemptOutcome.SUCCEEDED,
                null,
                marker,
                START.plusSeconds(1),
                "macOS",
                null,
                null,
                attemptId);
    }

    private static CredentialUse use(Bytes credentialId, long signatureCount) {
        return new CredentialUse(credentialId, signatureCount, true, START.plusSeconds(2), LAPTOP);
    }

    private static StepWrites writes(
            List<CredentialUse> uses,
            List<StoredCredential> created,
            List<StatusChange> changes,
            List<LoginAttempt> attempts) {
        return new StepWrites(uses, created, changes, attempts);
    }

    /** A step that records a use of Alice's passkey and one attempt. */
    private static StepWrites loginWrites(long signatureCount, String attemptId) {
        return writes(
                List.of(use(ALICE_KEY, signatureCount)),
                List.of(),
                List.of(),
                List.of(attempt(ALICE, signatureCount, attemptId)));
    }

    private FlowRecord next(FlowRecord from, String payload) {
        return from.next(START.plus(TTL), payload);
    }

    private StoredCredential stored(Bytes id) {
        return stores.credentials().findCredential(id).orElseThrow();
    }

    private List<LoginAttempt> history() {
        return stores.attempts().recentByUser(ALICE.userHandle(), EPOCH, 1000);
    }

    /** Asserts that the state set up before the test is untouched: flow, credentials, history. */
    private void assertNothingWritten() {
        assertThat(stores.flows().load("flow-1")).as("the flow").contains(flow);
        assertThat(stored(ALICE_KEY)).as("Alice's passkey").isEqualTo(credential(ALICE_KEY, ALICE, "key-alice"));
        assertThat(stored(BOB_KEY)).as("Bob's passkey").isEqualTo(credential(BOB_KEY, BOB, "key-bob"));
        assertThat(stores.credentials().findCredential(NEW_KEY))
                .as("the new passkey")
                .isEmpty();
        assertThat(stores.credentials().listCredentials(ALICE.userHandle()))
                .as("Alice's passkeys")
                .hasSize(1);
        assertThat(history()).as("Alice's history").isEmpty();
        assertThat(stores.attempts().recentByUser(BOB.userHandle(), EPOCH, 10))
                .as("Bob's history")
                .isEmpty();
    }

    /** Every kind of write at once, with a new passkey for Alice. */
    private static StepWrites everything(StoredCredential created) {
        return writes(
                List.of(use(ALICE_KEY, 42)),
                List.of(created),
                List.of(new StatusChange(ALICE_KEY, CredentialStatus.ACTIVE, CredentialStatus.SUSPECTED_BROKEN)),
                List.of(attempt(ALICE, 1, "flow-1/1/0"), attempt(ALICE, 2, "flow-1/1/1")));
    }

    private static void assertReason(Throwable thrown, StorageException.Reason reason) {
        assertThat(thrown)
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("committing")
    class Committing {

        @Test
        @DisplayName("a commit without writes replaces the flow like an update")
        void noWrites() {
            FlowRecord updated = next(flow, "{\"v\":1}");

            assertThat(stores.steps().commit(updated, StepWrites.none())).isTrue();

            assertThat(stores.flows().load("flow-1")).contains(updated);
            assertThat(history()).isEmpty();
        }

        @Test
        @DisplayName("a commit writes the flow, the new passkey, the use, the status change and the attempts")
        void everythingWritten() {
            FlowRecord updated = next(flow, "{\"v\":1}");
            StoredCredential created = credential(NEW_KEY, ALICE, "key-new");

            assertThat(stores.steps().commit(updated, everything(created))).isTrue();

            assertThat(stores.flows().load("flow-1")).contains(updated);
            assertThat(stored(NEW_KEY)).isEqualTo(created);
            StoredCredential used = stored(ALICE_KEY);
            assertThat(used.signatureCount()).isEqualTo(42);
            assertThat(used.backupState()).isTrue();
            assertThat(used.lastUsedAt()).isEqualTo(START.plusSeconds(2));
            assertThat(used.lastUsedOn()).isEqualTo(LAPTOP);
            assertThat(used.status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(history()).containsExactly(attempt(ALICE, 2, "flow-1/1/1"), attempt(ALICE, 1, "flow-1/1/0"));
            assertThat(stored(BOB_KEY)).isEqualTo(credential(BOB_KEY, BOB, "key-bob"));
        }

        @Test
        @DisplayName("consecutive commits each move the flow one version on")
        void consecutiveCommits() {
            FlowRecord first = next(flow, "{\"v\":1}");
            FlowRecord second = next(first, "{\"v\":2}");

            assertThat(stores.steps().commit(first, loginWrites(10, "flow-1/1/0")))
                    .isTrue();
            assertThat(stores.steps().commit(second, loginWrites(11, "flow-1/2/0")))
                    .isTrue();

            assertThat(stores.flows().load("flow-1")).contains(second);
            assertThat(stored(ALICE_KEY).signatureCount()).isEqualTo(11);
            assertThat(history()).extracting(LoginAttempt::attemptId).containsExactly("flow-1/2/0", "flow-1/1/0");
        }

        @Test
        @DisplayName("version 0 is rejected with IllegalArgumentException and nothing is written")
        void versionZeroRejected() {
            FlowRecord zero = new FlowRecord("flow-1", 0, START.plus(TTL), "{\"v\":\"zero\"}");

            assertThatIllegalArgumentException().isThrownBy(() -> stores.steps().commit(zero, loginWrites(9, "a")));

            assertNothingWritten();
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException and nothing is written")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsRejected() {
            assertThatNullPointerException().isThrownBy(() -> stores.steps().commit(null, StepWrites.none()));
            assertThatNullPointerException().isThrownBy(() -> stores.steps().commit(next(flow, "x"), null));

            assertNothingWritten();
        }
    }

    @Nested
    @DisplayName("a commit that fails the version check")
    class VersionCheck {

        @Test
        @DisplayName("a commit of a version already committed returns false and writes none of its writes")
        void staleVersion() {
            FlowRecord winner = next(flow, "{\"v\":\"winner\"}");
            assertThat(stores.steps().commit(winner, loginWrites(10, "flow-1/1/0")))
                    .isTrue();

            boolean committed = stores.steps()
                    .commit(
                            next(flow, "{\"v\":\"late\"}"),
                            writes(
                                    List.of(use(ALICE_KEY, 99)),
                                    List.of(credential(NEW_KEY, ALICE, "key-new")),
                                    List.of(new StatusChange(
                                            ALICE_KEY, CredentialStatus.ACTIVE, CredentialStatus.RETIRED)),
                                    List.of(attempt(ALICE, 99, "flow-1/1/late"))));

            assertThat(committed).isFalse();
            assertThat(stores.flows().load("flow-1")).contains(winner);
            assertThat(stored(ALICE_KEY).signatureCount()).isEqualTo(10);
            assertThat(stored(ALICE_KEY).status()).isEqualTo(CredentialStatus.ACTIVE);
            assertThat(stores.credentials().findCredential(NEW_KEY)).isEmpty();
            assertThat(history()).extracting(LoginAttempt::attemptId).containsExactly("flow-1/1/0");
        }

        @Test
        @DisplayName("a commit that skips a version returns false and writes nothing")
        void skippedVersion() {
            FlowRecord skipping = new FlowRecord("flow-1", 2, START.plus(TTL), "{\"v\":2}");

            assertThat(stores.steps().commit(skipping, everything(credential(NEW_KEY, ALICE, "key-new"))))
                    .isFalse();

            assertNothingWritten();
        }

        @Test
        @DisplayName("a commit of a flow that does not exist returns false and writes nothing")
        void missingFlow() {
            FlowRecord ghost = new FlowRecord("flow-ghost", 1, START.plus(TTL), "{}");

            assertThat(stores.steps().commit(ghost, everything(credential(NEW_KEY, ALICE, "key-new"))))
                    .isFalse();

            assertThat(stores.flows().load("flow-ghost")).isEmpty();
            assertNothingWritten();
        }

        @Test
        @DisplayName(
                "a commit of a flow that expired by the clock (exactly at expiresAt) returns false and writes nothing")
        void expiredFlow() {
            clock.set(flow.expiresAt());

            boolean committed = stores.steps()
                    .commit(
                            flow.next(START.plus(TTL).plus(TTL), "{\"v\":1}"),
                            everything(credential(NEW_KEY, ALICE, "key-new")));

            assertThat(committed).isFalse();
            clock.set(START);
            assertNothingWritten();
        }
    }

    @Nested
    @DisplayName("all or nothing")
    class AllOrNothing {

        @Test
        @DisplayName("a new passkey whose id belongs to another account fails as DUPLICATE and nothing is written")
        void idOfAnotherAccount() {
            StoredCredential stolen = credential(BOB_KEY, ALICE, "key-bob");

            Throwable thrown = catchThrowable(() -> stores.steps().commit(next(flow, "{\"v\":1}"), everything(stolen)));

            assertReason(thrown, StorageException.Reason.DUPLICATE);
            assertNothingWritten();
        }

        @Test
        @DisplayName(
                "a new passkey whose id is stored for the same account with another key fails as DUPLICATE and nothing is written")
        void sameIdOtherKey() {
            StoredCredential otherKey = credential(ALICE_KEY, ALICE, "key-impostor");

            Throwable thrown =
                    catchThrowable(() -> stores.steps().commit(next(flow, "{\"v\":1}"), everything(otherKey)));

            assertReason(thrown, StorageException.Reason.DUPLICATE);
            assertNothingWritten();
        }

        @Test
        @DisplayName("a new passkey of an account that does not exist fails as NOT_FOUND and nothing is written")
        void unknownAccount() {
            UserAccount nobody = new UserAccount(bytes("handle-nobody"), "nobody@example.com", "Nobody");
            StoredCredential orphan = credential(NEW_KEY, nobody, "key-new");

            Throwable thrown = catchThrowable(() -> stores.steps().commit(next(flow, "{\"v\":1}"), everything(orphan)));

            assertReason(thrown, StorageException.Reason.NOT_FOUND);
            assertNothingWritten();
        }

        @Test
        @DisplayName("a failing second new passkey takes the first one back with it")
        void secondCredentialFails() {
            StepWrites two = writes(
                    List.of(use(ALICE_KEY, 42)),
                    List.of(credential(NEW_KEY, ALICE, "key-new"), credential(BOB_KEY, ALICE, "key-x")),
                    List.of(),
                    List.of(attempt(ALICE, 1, "flow-1/1/0")));

            Throwable thrown = catchThrowable(() -> stores.steps().commit(next(flow, "{\"v\":1}"), two));

            assertReason(thrown, StorageException.Reason.DUPLICATE);
            assertNothingWritten();
        }

        @Test
        @DisplayName(
                "a new passkey already stored with the same id, account and key counts as stored and is left as it was")
        void identicalCredentialCountsAsStored() {
            StoredCredential again = new StoredCredential(
                    ALICE_KEY,
                    ALICE.userHandle(),
                    bytes("key-alice"),
                    0,
                    Set.of(),
                    false,
                    false,
                    null,
                    START.plusSeconds(30),
                    null,
                    ClientInfo.unknown(),
                    null,
                    CredentialStatus.ACTIVE,
                    null);
            FlowRecord updated = next(flow, "{\"v\":1}");

            assertThat(stores.steps()
                            .commit(
                                    updated,
                                    writes(
                                            List.of(),
                                            List.of(again),
                                            List.of(),
                                            List.of(attempt(ALICE, 1, "flow-1/1/0")))))
                    .isTrue();

            assertThat(stores.flows().load("flow-1")).contains(updated);
            assertThat(stored(ALICE_KEY)).isEqualTo(credential(ALICE_KEY, ALICE, "key-alice"));
            assertThat(history()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("uses and status changes")
    class UsesAndStatusChanges {

        @Test
        @DisplayName("a status change applies only while the passkey has the expected status")
        void onlyFromExpectedStatus() {
            stores.credentials().setStatus(ALICE_KEY, CredentialStatus.RETIRED);
            FlowRecord updated = next(flow, "{\"v\":1}");

            assertThat(stores.steps()
                            .commit(
                                    updated,
                                    writes(
                                            List.of(),
                                            List.of(),
                                            List.of(
                                                    new StatusChange(
                                                            ALICE_KEY,
                                                            CredentialStatus.ACTIVE,
                                                            CredentialStatus.SUSPECTED_BROKEN),
                                                    new StatusChange(
                                                            BOB_KEY,
                                                            CredentialStatus.ACTIVE,
                                                            CredentialStatus.SUSPECTED_BROKEN)),
                                            List.of())))
                    .isTrue();

            assertThat(stored(ALICE_KEY).status())
                    .as("not ACTIVE any more: left alone")
                    .isEqualTo(CredentialStatus.RETIRED);
            assertThat(stored(BOB_KEY).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(stores.flows().load("flow-1")).contains(updated);
        }

        @Test
        @DisplayName("a use or status change of a passkey that does not exist is skipped and the rest is committed")
        void missingCredentialSkipped() {
            Bytes gone = bytes("cred-gone");
            FlowRecord updated = next(flow, "{\"v\":1}");

            assertThat(stores.steps()
                            .commit(
                                    updated,
                                    writes(
                                            List.of(use(gone, 3), use(ALICE_KEY, 8)),
                                            List.of(),
                                            List.of(new StatusChange(
                                                    gone, CredentialStatus.ACTIVE, CredentialStatus.RETIRED)),
                                            List.of(attempt(ALICE, 1, "flow-1/1/0")))))
                    .isTrue();

            assertThat(stores.credentials().findCredential(gone)).isEmpty();
            assertThat(stored(ALICE_KEY).signatureCount()).isEqualTo(8);
            assertThat(history()).hasSize(1);
            assertThat(stores.flows().load("flow-1")).contains(updated);
        }
    }

    @Nested
    @DisplayName("attempts")
    class Attempts {

        @Test
        @DisplayName("an attempt id committed again by a later step is stored once")
        void sameIdAcrossCommits() {
            FlowRecord first = next(flow, "{\"v\":1}");
            LoginAttempt attempt = attempt(ALICE, 1, "flow-1/1/0");
            stores.steps().commit(first, writes(List.of(), List.of(), List.of(), List.of(attempt)));

            assertThat(stores.steps()
                            .commit(
                                    next(first, "{\"v\":2}"),
                                    writes(
                                            List.of(),
                                            List.of(),
                                            List.of(),
                                            List.of(attempt, attempt(ALICE, 2, "flow-1/2/0")))))
                    .isTrue();

            assertThat(history()).extracting(LoginAttempt::attemptId).containsExactly("flow-1/2/0", "flow-1/1/0");
        }

        @Test
        @DisplayName("an attempt already appended through the attempt repository is not stored again")
        void alreadyAppended() {
            LoginAttempt attempt = attempt(ALICE, 1, "flow-1/1/0");
            stores.attempts().append(attempt);

            assertThat(stores.steps()
                            .commit(next(flow, "{\"v\":1}"), writes(List.of(), List.of(), List.of(), List.of(attempt))))
                    .isTrue();

            assertThat(history()).containsExactly(attempt);
        }

        @Test
        @DisplayName("attempts of one commit are stored in order, the same id twice only once")
        void orderAndDuplicatesWithinCommit() {
            LoginAttempt a = attempt(ALICE, 1, "flow-1/1/0");
            LoginAttempt b = attempt(ALICE, 2, "flow-1/1/1");

            assertThat(stores.steps()
                            .commit(next(flow, "{\"v\":1}"), writes(List.of(), List.of(), List.of(), List.of(a, b, a))))
                    .isTrue();

            assertThat(history()).containsExactly(b, a);
        }
    }

    @Nested
    @DisplayName("concurrency")
    @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
    class Concurrency {

        @Test
        @DisplayName("of racing commits of one version exactly one wins, and only its writes appear, once")
        void oneWinnerPerVersion() {
            int threads = 8;
            int rounds = 12;
            FlowRecord current = flow;
            for (int round = 0; round < rounds; round++) {
                FlowRecord base = current;
                int r = round;
                List<Boolean> wins = Concurrently.run(
                        threads,
                        t -> () -> stores.steps()
                                .commit(
                                        next(base, "{\"round\":" + r + ",\"thread\":" + t + "}"),
                                        loginWrites(r * 100L + t, "flow-1/" + (r + 1) + "/" + t)));

                assertThat(wins).as("round %d", round).containsOnlyOnce(true);
                int winner = wins.indexOf(true);
                current = stores.flows().load("flow-1").orElseThrow();
                assertThat(current.payload())
                        .as("round %d", round)
                        .isEqualTo("{\"round\":" + r + ",\"thread\":" + winner + "}");
                assertThat(current.version()).isEqualTo(round + 1);
                assertThat(stored(ALICE_KEY).signatureCount())
                        .as("round %d", round)
                        .isEqualTo(r * 100L + winner);
                assertThat(history()).as("round %d", round).hasSize(round + 1);
                assertThat(history().get(0).attemptId()).isEqualTo("flow-1/" + (r + 1) + "/" + winner);
            }
        }

        @Test
        @DisplayName("racing commits of the same step with the same attempt store it once")
        void racingRepeats() {
            int threads = 8;
            FlowRecord updated = next(flow, "{\"v\":1}");
            StepWrites same = loginWrites(7, "flow-1/1/0");

            List<Boolean> wins =
                    Concurrently.run(threads, t -> () -> stores.steps().commit(updated, same));

            assertThat(wins).containsOnlyOnce(true);
            assertThat(history()).hasSize(1);
        }

        @Test
        @DisplayName("commits on different flows that store the same new passkey both succeed and store it once")
        void sameNewCredentialFromTwoFlows() {
            int threads = 6;
            StoredCredential created = credential(NEW_KEY, ALICE, "key-new");
            for (int t = 0; t < threads; t++) {
                stores.flows().create(new FlowRecord("flow-x" + t, 0, START.plus(TTL), "{}"));
            }

            List<Boolean> wins = Concurrently.run(
                    threads,
                    t -> () -> stores.steps()
                            .commit(
                                    new FlowRecord("flow-x" + t, 1, START.plus(TTL), "{\"done\":true}"),
                                    writes(
                                            List.of(),
                                            List.of(created),
                                            List.of(),
                                            List.of(attempt(ALICE, t, "flow-x" + t + "/1/0")))));

            assertThat(wins).containsOnly(true);
            assertThat(stored(NEW_KEY)).isEqualTo(created);
            assertThat(stores.credentials().listCredentials(ALICE.userHandle())).hasSize(2);
            assertThat(history()).hasSize(threads);
        }
    }
}
