package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The step protocol on a real database with atomic steps ({@link JdbcStorage#steps()}): garbage
 * racing real logins, duplicates racing each other, and a reload racing a finish. The in-memory
 * protocol without transactions has the full race and fault suites in passkey-testkit
 * ({@code StepProtocolTest}).
 */
abstract class JdbcStepProtocolTestBase {

    private static final String ORIGIN = "https://example.com";
    private static final ClientContext LAPTOP = ClientContext.builder()
            .deviceId("laptop")
            .userVerifyingPlatformAuthenticator(true)
            .build();

    private TestDatabase db;
    private MutableClock clock;
    private JdbcStorage storage;
    private LoginFlow flow;
    private UserAccount alice;
    private SoftwareAuthenticator authenticator;
    private ExecutorService pool;

    abstract TestDatabase database();

    @BeforeEach
    void setUp() {
        db = database();
        // A clock that stands still: the throttle's windows are whole 15- and 5-minute spans of the
        // clock, and a run that crossed a window's end on the system clock counted its guesses twice.
        clock = new MutableClock(MutableClock.DEFAULT_START);
        storage = JdbcStorage.builder()
                .dataSource(db.dataSource())
                .dialect(db.dialect())
                .initializeSchema(true)
                .clock(clock)
                .build();
        flow = LoginFlow.builder()
                .clock(clock)
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .flowStateRepository(storage.flows())
                .throttleRepository(storage.throttles())
                .atomicStepRepository(storage.steps())
                .throttle(LoginThrottle.custom()
                        .maxStartsPerIdentifier(100_000)
                        .maxStartsPerDevice(100_000)
                        .build())
                .build();
        alice = new UserAccount(Bytes.of("uh-alice".getBytes(StandardCharsets.UTF_8)), "alice@example.com", "Alice");
        storage.credentials().saveUser(alice);
        authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(alice.identifier(), LAPTOP);
        assertThat(flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (db != null) {
            db.close();
        }
    }

    private record Login(String flowId, String response) {}

    private Login login() {
        LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) flow.start(alice.identifier(), LAPTOP);
        return new Login(challenge.flowId(), authenticator.authenticate(challenge.credentialsGetJson()));
    }

    private static boolean completes(Supplier<LoginStep> call) {
        try {
            return call.get() instanceof LoginStep.Completed;
        } catch (LoginFlowException e) {
            return false;
        }
    }

    private long successesOf(String flowId) {
        return storage.attempts().recentByUser(alice.userHandle(), Instant.EPOCH, 100_000).stream()
                .filter(a -> a.attemptId() != null && a.attemptId().startsWith(flowId + "."))
                .map(LoginAttempt::outcome)
                .filter(AttemptOutcome.SUCCEEDED::equals)
                .count();
    }

    /** Runs the calls together and returns how many were told Completed, per call. */
    private List<Boolean> race(List<Supplier<LoginStep>> calls) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<Boolean>> futures = new ArrayList<>();
        for (Supplier<LoginStep> call : calls) {
            futures.add(pool.submit(() -> {
                gate.await();
                return completes(call);
            }));
        }
        gate.countDown();
        List<Boolean> results = new ArrayList<>();
        for (Future<Boolean> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    @DisplayName("a poller sending {} during 500 real logins never completes one; every login completes once")
    void poller() throws Exception {
        int garbageCompleted = 0;
        int ownerCompleted = 0;
        int garbageSent = 0;
        for (int i = 0; i < 500; i++) {
            Login login = login();
            AtomicBoolean stop = new AtomicBoolean();
            Future<int[]> poller = pool.submit(() -> {
                int[] counts = new int[2];
                while (!stop.get()) {
                    counts[0]++;
                    if (completes(() -> flow.finishPasskey(login.flowId, "{}"))) {
                        counts[1]++;
                    }
                }
                return counts;
            });
            if (completes(() -> flow.finishPasskey(login.flowId, login.response))) {
                ownerCompleted++;
            }
            stop.set(true);
            int[] counts = poller.get(30, TimeUnit.SECONDS);
            garbageSent += counts[0];
            garbageCompleted += counts[1];
            assertThat(successesOf(login.flowId)).isOne();
        }
        System.out.printf(
                "step protocol %s poller: logins=500 owner_completed=%d garbage_requests=%d "
                        + "garbage_completed=%d%n",
                getClass().getSimpleName(), ownerCompleted, garbageSent, garbageCompleted);
        assertThat(garbageCompleted).isZero();
        assertThat(ownerCompleted).isEqualTo(500);
    }

    @Test
    @DisplayName(
            "10,000 password guesses for one account over many flows, with the default throttle on the database, get 10 checked")
    void guessesThrottled() {
        // The flow of setUp: the default failure limits, start limits out of reach.
        LoginFlow guarded = flow;
        int accepted = 0;
        int guesses = 0;
        int device = 0;
        while (guesses < 10_000) {
            LoginStep step = guarded.start(
                    "victim@example.com",
                    ClientContext.builder().deviceId("d" + device++).build());
            for (int i = 0; i < 5 && guesses < 10_000; i++) {
                guesses++;
                try {
                    guarded.fallbackFailed(step.flowId());
                    accepted++;
                } catch (LoginFlowException e) {
                    if (e.reason() == LoginFlowException.Reason.LOCKED) {
                        accepted++;
                        break;
                    }
                    assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.THROTTLED);
                }
            }
        }
        System.out.printf(
                "throttling %s: guesses=%d flows=%d accepted=%d%n",
                getClass().getSimpleName(), guesses, device, accepted);
        assertThat(accepted).isEqualTo(LoginThrottle.DEFAULT_MAX_FAILURES_PER_IDENTIFIER);
    }

    @Test
    @DisplayName(
            "200 starts for one identifier with the default throttle give 30 flows; another user's login still starts")
    void startFlood() {
        LoginFlow defaults = LoginFlow.builder()
                .clock(clock)
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .flowStateRepository(storage.flows())
                .throttleRepository(storage.throttles())
                .atomicStepRepository(storage.steps())
                .build();
        int started = 0;
        int throttled = 0;
        for (int i = 0; i < 200; i++) {
            try {
                defaults.start(
                        "bot@spam.example",
                        ClientContext.builder().deviceId("bot-" + i).build());
                started++;
            } catch (LoginFlowException e) {
                assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.THROTTLED);
                assertThat(e.retryAfter()).isPresent();
                throttled++;
            }
        }

        assertThat(started).isEqualTo(LoginThrottle.DEFAULT_MAX_STARTS_PER_IDENTIFIER);
        assertThat(throttled).isEqualTo(200 - LoginThrottle.DEFAULT_MAX_STARTS_PER_IDENTIFIER);
        assertThat(defaults.start(alice.identifier(), LAPTOP)).isInstanceOf(LoginStep.PasskeyChallenge.class);
    }

    @Test
    @DisplayName("startFlow counts, stores the flow only within the limits, and reports a live duplicate")
    void startFlow() {
        dev.passkeyflow.storage.CountedFlowStart counted = (dev.passkeyflow.storage.CountedFlowStart) storage.steps();
        java.time.Instant window = java.time.Instant.parse("2030-01-01T00:00:00Z");
        java.time.Instant far = window.plusSeconds(3600);
        dev.passkeyflow.storage.FlowRecord first = new dev.passkeyflow.storage.FlowRecord(
                "flow-1", 0, java.time.Instant.now().plusSeconds(300), "{}");
        dev.passkeyflow.storage.FlowRecord second = new dev.passkeyflow.storage.FlowRecord(
                "flow-2", 0, java.time.Instant.now().plusSeconds(300), "{}");

        assertThat(counted.startFlow(first, List.of("k1", "k2"), List.of(1L, 5L), window, far))
                .containsExactly(1L, 1L);
        assertThat(counted.startFlow(second, List.of("k1", "k2"), List.of(1L, 5L), window, far))
                .containsExactly(2L, 2L);
        dev.passkeyflow.storage.StorageException duplicate = org.assertj.core.api.Assertions.catchThrowableOfType(
                dev.passkeyflow.storage.StorageException.class,
                () -> counted.startFlow(first, List.of("k3"), List.of(5L), window, far));

        assertThat(storage.flows().load("flow-1")).isPresent();
        assertThat(storage.flows().load("flow-2"))
                .as("over the limit: not stored")
                .isEmpty();
        assertThat(duplicate.reason()).isEqualTo(dev.passkeyflow.storage.StorageException.Reason.DUPLICATE);
        assertThat(storage.throttles().read(List.of("k1", "k2", "k3"), window)).containsExactly(2L, 2L, 1L);
    }

    @Test
    @DisplayName(
            "four identical finishes, and a finish racing a reload, complete exactly once in 200 rounds each, history once")
    void duplicatesAndReloads() throws Exception {
        int doubles = 0;
        int lost = 0;
        int historyTwice = 0;
        for (int i = 0; i < 400; i++) {
            Login login = login();
            List<Supplier<LoginStep>> calls = i < 200
                    ? List.of(
                            () -> flow.finishPasskey(login.flowId, login.response),
                            () -> flow.finishPasskey(login.flowId, login.response),
                            () -> flow.finishPasskey(login.flowId, login.response),
                            () -> flow.finishPasskey(login.flowId, login.response))
                    : List.of(
                            () -> flow.finishPasskey(login.flowId, login.response),
                            () -> flow.resume(login.flowId),
                            () -> flow.resume(login.flowId));
            long completed = race(calls).stream().filter(Boolean::booleanValue).count();
            doubles += completed > 1 ? 1 : 0;
            lost += completed == 0 ? 1 : 0;
            historyTwice += successesOf(login.flowId) > 1 ? 1 : 0;
        }
        System.out.printf(
                "step protocol %s duplicates and reloads: rounds=400 double=%d lost=%d history_twice=%d%n",
                getClass().getSimpleName(), doubles, lost, historyTwice);
        assertThat(doubles).isZero();
        assertThat(lost).isZero();
        assertThat(historyTwice).isZero();
    }
}
