package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@link PasskeyIntelligence} start decision for a user whose stored attempt history holds
 * 10, 1,000 or 100,000 entries, in an in-memory attempt repository whose caps are raised to keep
 * them all. The history is the worst case for a bounded reader: every entry lies inside the
 * default 90-day history window, evenly spaced up to a minute ago; 4 of 5 are on the device that
 * asks, 1 of 5 on another; the outcomes cycle through successes, cancels and fallbacks, and the
 * newest one is a success here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecisionBenchmark {

    private static final AttemptOutcome[] OUTCOMES = {
        AttemptOutcome.SUCCEEDED,
        AttemptOutcome.SUCCEEDED,
        AttemptOutcome.CANCELLED,
        AttemptOutcome.SUCCEEDED,
        AttemptOutcome.FALLBACK_SUCCEEDED,
        AttemptOutcome.SUCCEEDED,
        AttemptOutcome.TIMED_OUT,
    };

    @State(Scope.Thread)
    public static class History {
        @Param({"10", "1000", "100000"})
        public int history;

        Deployment deployment;
        PasskeyIntelligence intelligence;
        StartContext context;

        @Setup(Level.Trial)
        public void setUp() {
            InMemoryLoginAttemptRepository attempts =
                    new InMemoryLoginAttemptRepository(Clock.systemUTC(), 2 * history + 10, 2 * history + 10);
            deployment = Deployment.inMemory(Advisors.named("default"), attempts);
            Deployment.Account account = deployment.enrol("history");
            String here = account.client().deviceId();
            Instant now = Instant.now();
            Duration span = Duration.ofDays(89);
            for (int i = history - 1; i >= 0; i--) { // oldest first; i = 0 is the newest
                Instant at = now.minus(Duration.ofMinutes(1))
                        .minus(span.multipliedBy(i).dividedBy(history));
                AttemptOutcome outcome = i == 0 ? AttemptOutcome.SUCCEEDED : OUTCOMES[i % OUTCOMES.length];
                String device = i % 5 == 4 ? "other-device" : here;
                boolean browserError = outcome == AttemptOutcome.CANCELLED || outcome == AttemptOutcome.TIMED_OUT;
                attempts.append(new LoginAttempt(
                        account.userHandle(),
                        device,
                        outcome == AttemptOutcome.FALLBACK_SUCCEEDED ? null : account.credentialId(),
                        outcome,
                        browserError ? "NotAllowedError" : null,
                        browserError ? 4_000 : -1,
                        at,
                        "macos"));
            }
            intelligence = PasskeyIntelligence.builder()
                    .credentialRepository(deployment.credentials)
                    .loginAttemptRepository(attempts)
                    .build();
            context = new StartContext(
                    deployment
                            .credentials
                            .findUserByHandle(account.userHandle())
                            .orElseThrow(),
                    deployment.credentials.listCredentials(account.userHandle()),
                    account.client(),
                    now);
            StartDecision decision = intelligence.onStart(context);
            if (decision.action() == StartDecision.Action.FALLBACK) {
                throw new IllegalStateException("unexpected decision " + decision);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            deployment.close();
        }
    }

    @Benchmark
    public StartDecision onStart(History state) {
        return state.intelligence.onStart(state.context);
    }
}
