package dev.passkeyflow.benchmarks;

import com.yubico.webauthn.AssertionResult;
import dev.passkeyflow.storage.StoredCredential;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Raw Yubico: {@code startAssertion} (with the browser JSON) and {@code finishAssertion} (with
 * parsing the browser's response and storing the signature count) on the same credential the flow
 * benchmarks use. Measured in the same two halves as {@link FlowBenchmark}, with the finishes
 * consuming a batch prepared before each iteration ({@link Batches}). The {@code ...CachedMapper}
 * variants are the same code written with one cached Yubico ObjectMapper for the browser JSON:
 * the cheapest raw Yubico login we know how to write, so the flow's own cost shows against it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RawYubicoBenchmark {

    /** One account's raw relying party; one per thread. */
    static final class Raw {
        final Deployment.Account account;
        final RawYubico raw;
        long session;

        Raw(String label) {
            try (Deployment deployment = Deployment.inMemory()) {
                account = deployment.enrol(label);
                StoredCredential credential = deployment
                        .credentials
                        .findCredential(account.credentialId())
                        .orElseThrow();
                raw = new RawYubico(account, credential);
            }
        }
    }

    /** Start only: each started login is forgotten again outside the measurement. */
    @State(Scope.Thread)
    public static class Started {
        Raw raw;

        @Setup(Level.Trial)
        public void setUp() {
            raw = new Raw("raw-start");
        }

        @TearDown(Level.Invocation)
        public void forget() {
            raw.raw.forget(raw.session);
        }
    }

    /** Finish only: started logins and the browser's signed answers, made before each iteration. */
    @State(Scope.Thread)
    public static class Pending {
        Raw raw;
        /** Prepared logins: session number and browser response. */
        Batches<Map.Entry<Long, String>> batch;

        @Setup(Level.Trial)
        public void setUp() {
            raw = new Raw("raw-finish");
            batch = new Batches<>(
                    () -> {
                        long session = ++raw.session;
                        String getJson = raw.raw.start(session, raw.account.identifier());
                        return Map.entry(session, raw.account.authenticator().authenticate(getJson));
                    },
                    prepared -> raw.raw.forget(prepared.getKey()));
        }

        @Setup(Level.Iteration)
        public void prepare(IterationParams iteration) {
            batch.prepare(iteration);
        }

        @TearDown(Level.Iteration)
        public void forget(IterationParams iteration) {
            batch.finish(iteration);
        }
    }

    @Benchmark
    public String start(Started started) {
        Raw raw = started.raw;
        return raw.raw.start(++raw.session, raw.account.identifier());
    }

    @Benchmark
    public AssertionResult finish(Pending pending) {
        Map.Entry<Long, String> next = pending.batch.next();
        return pending.raw.raw.finish(next.getKey(), next.getValue());
    }

    /** {@link #start} with one cached Yubico mapper instead of {@code toCredentialsGetJson()}. */
    @Benchmark
    public String startCachedMapper(Started started) {
        Raw raw = started.raw;
        return raw.raw.startWithCachedMapper(++raw.session, raw.account.identifier());
    }

    /** {@link #finish} with one cached Yubico mapper instead of {@code parseAssertionResponseJson}. */
    @Benchmark
    public AssertionResult finishCachedMapper(Pending pending) {
        Map.Entry<Long, String> next = pending.batch.next();
        return pending.raw.raw.finishWithCachedMapper(next.getKey(), next.getValue());
    }
}
