package dev.passkeyflow.core.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.storage.UserAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Account-level throttling of the traditional login and of flow starts, with the default
 * {@link LoginThrottle} unless a test says otherwise, on a clock that does not move.
 */
@DisplayName("Throttling across flows")
class ThrottlingTest {

    private static StorageWorld defaults() {
        return new StorageWorld(b -> b);
    }

    /** Starts a flow that waits for the traditional login, or returns null when the start is throttled. */
    private static String fallbackFlow(StorageWorld world, String identifier, ClientContext client) {
        try {
            LoginStep step = world.flow.start(identifier, client);
            if (step instanceof LoginStep.PasskeyChallenge) {
                step = world.flow.chooseFallback(step.flowId());
            }
            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            return step.flowId();
        } catch (LoginFlowException e) {
            assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
            return null;
        }
    }

    private static ClientContext device(int n) {
        return ClientContext.builder().deviceId("guesser-" + n).build();
    }

    @Test
    @DisplayName("10,000 password guesses for one account over many flows and devices are held to the policy's 10")
    void guessesAcrossFlows() {
        StorageWorld world = defaults();
        world.user("victim@example.com");
        int accepted = 0;
        int throttled = 0;
        int flows = 0;
        int guesses = 0;
        while (guesses < 10_000) {
            // A new device id per flow: the guesser rotates cookies, so only the account bucket holds.
            String flowId = fallbackFlow(world, "victim@example.com", device(flows));
            flows++;
            if (flowId == null) {
                guesses++; // the start itself was refused: that guess never reached a password check
                throttled++;
                continue;
            }
            for (int i = 0; i < 5 && guesses < 10_000; i++) {
                guesses++;
                try {
                    world.flow.fallbackFailed(flowId);
                    accepted++;
                } catch (LoginFlowException e) {
                    if (e.reason() == Reason.LOCKED) {
                        accepted++;
                        break;
                    }
                    assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
                    assertThat(e.retryAfter())
                            .hasValueSatisfying(d -> assertThat(d)
                                    .isPositive()
                                    .isLessThanOrEqualTo(LoginThrottle.DEFAULT_FAILURE_WINDOW));
                    throttled++;
                }
            }
        }
        System.out.printf(
                "throttling: guesses=%d flows=%d accepted=%d throttled=%d%n", guesses, flows, accepted, throttled);
        assertThat(accepted).isEqualTo(LoginThrottle.DEFAULT_MAX_FAILURES_PER_IDENTIFIER);
        assertThat(throttled).isEqualTo(guesses - accepted);
    }

    @Test
    @DisplayName(
            "while throttled, a right password is refused exactly like a wrong one, and both are allowed again in the next window")
    void rightPasswordWhileThrottled() {
        StorageWorld world = defaults();
        world.user("victim@example.com");
        for (int i = 0; i < LoginThrottle.DEFAULT_MAX_FAILURES_PER_IDENTIFIER; i++) {
            world.flow.fallbackFailed(fallbackFlow(world, "victim@example.com", device(i)));
        }
        String flowId = fallbackFlow(world, "victim@example.com", device(99));

        LoginFlowException right =
                catchThrowableOfType(LoginFlowException.class, () -> world.flow.fallbackSucceeded(flowId));
        LoginFlowException wrong =
                catchThrowableOfType(LoginFlowException.class, () -> world.flow.fallbackFailed(flowId));

        assertThat(right.reason()).isEqualTo(Reason.THROTTLED);
        assertThat(wrong.reason()).isEqualTo(Reason.THROTTLED);
        assertThat(right.getMessage()).isEqualTo(wrong.getMessage());
        assertThat(right.retryAfter()).isEqualTo(wrong.retryAfter());
        assertThat(world.storedState(flowId)).isEqualTo(FlowState.FALLBACK_PENDING);

        world.clock.advance(right.retryAfter().orElseThrow());
        String later = fallbackFlow(world, "victim@example.com", device(100));
        assertThat(world.flow.fallbackSucceeded(later)).isNotNull();
    }

    @Test
    @DisplayName("an unknown identifier is throttled exactly like a known one")
    void unknownIdentifierThrottledAlike() {
        StorageWorld world = defaults();
        world.user("known@example.com");
        List<Integer> accepted = new ArrayList<>();
        for (String identifier : List.of("known@example.com", "nobody@example.com")) {
            int count = 0;
            for (int i = 0; i < 30; i++) {
                String flowId = fallbackFlow(world, identifier, device(i));
                try {
                    world.flow.fallbackFailed(flowId);
                    count++;
                } catch (LoginFlowException e) {
                    assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
                }
            }
            accepted.add(count);
        }
        assertThat(accepted).containsExactly(10, 10);
    }

    @Test
    @DisplayName("a failed password on an unknown identifier makes exactly the storage calls of one on a known account")
    void sameWorkForUnknownIdentifiers() {
        StorageWorld world = defaults();
        world.user("known@example.com");
        List<List<String>> calls = new ArrayList<>();
        for (String identifier : List.of("known@example.com", "nobody@example.com")) {
            String flowId = fallbackFlow(world, identifier, device(1));
            world.calls.clear();
            world.logging = true;
            world.flow.fallbackFailed(flowId);
            world.logging = false;
            calls.add(List.copyOf(world.calls));
        }
        assertThat(calls.get(0)).isNotEmpty().isEqualTo(calls.get(1));
    }

    @Test
    @DisplayName(
            "five concurrent failed passwords on one fresh flow each count: the flow locks and the account counter says 5")
    void concurrentFailuresEachCount() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            for (int round = 0; round < 20; round++) {
                StorageWorld world = defaults();
                UserAccount bob = world.user("bob@example.com");
                String flowId = fallbackFlow(world, bob.identifier(), device(round));
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Reason>> results = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    results.add(pool.submit(() -> {
                        gate.await();
                        try {
                            world.flow.fallbackFailed(flowId);
                            return null;
                        } catch (LoginFlowException e) {
                            return e.reason();
                        }
                    }));
                }
                gate.countDown();
                List<Reason> reasons = new ArrayList<>();
                for (Future<Reason> f : results) {
                    reasons.add(f.get(10, TimeUnit.SECONDS));
                }
                assertThat(reasons).as("round %d", round).containsOnlyOnce(Reason.LOCKED);
                assertThat(world.storedState(flowId)).isEqualTo(FlowState.LOCKED);
                assertThat(world.throttles.size()).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("100,000 starts for one identifier within a flow's lifetime do not stop another user's login")
    void startFlood() {
        StorageWorld world = defaults();
        world.user("alice@example.com");
        int started = 0;
        int throttled = 0;
        for (int i = 0; i < 100_000; i++) {
            try {
                world.flow.start("bot@spam.example", ClientContext.unknown());
                started++;
            } catch (LoginFlowException e) {
                assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
                throttled++;
            }
        }
        System.out.printf("throttling: start flood starts=100000 started=%d throttled=%d%n", started, throttled);

        LoginStep alice = world.flow.start("alice@example.com", StorageWorld.LAPTOP);

        assertThat(started).isEqualTo(LoginThrottle.DEFAULT_MAX_STARTS_PER_IDENTIFIER);
        assertThat(alice).isInstanceOf(LoginStep.FallbackRequired.class);
    }

    @Test
    @DisplayName("starts are bounded per device too, and the bound lifts in the next window")
    void startsPerDevice() {
        StorageWorld world = new StorageWorld(b -> b.throttle(LoginThrottle.custom()
                .maxStartsPerDevice(3)
                .startWindow(Duration.ofMinutes(1))
                .build()));
        ClientContext client = device(7);
        for (int i = 0; i < 3; i++) {
            world.flow.start("user" + i + "@example.com", client);
        }

        LoginFlowException refused =
                catchThrowableOfType(LoginFlowException.class, () -> world.flow.start("user9@example.com", client));
        world.clock.advance(refused.retryAfter().orElseThrow());

        assertThat(refused.reason()).isEqualTo(Reason.THROTTLED);
        assertThat(world.flow.start("user9@example.com", client)).isNotNull();
    }
}
