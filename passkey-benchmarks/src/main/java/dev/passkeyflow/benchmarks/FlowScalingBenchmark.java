package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Logins with one and with two threads sharing one {@code LoginFlow} and one in-memory storage;
 * each thread logs in its own account with its own authenticator, so nothing but the library is
 * shared. Throughput ratio: {@code 2 * avg(1 thread) / avg(2 threads)}, both measured here the same
 * way. The browser's signatures are made in a batch before each iteration ({@link Batches}):
 * signing per invocation
 * (as {@link FlowBenchmark} does) would, with two threads, run one thread's signing on the core the
 * other thread is measured on, which measures the test harness rather than the library.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(2)
public class FlowScalingBenchmark {

    @State(Scope.Benchmark)
    public static class World {
        Deployment deployment;

        @Setup(Level.Trial)
        public void setUp() {
            deployment = Deployment.inMemory();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            deployment.close();
        }
    }

    /** Start only; the started flow is deleted again outside the measurement. */
    @State(Scope.Thread)
    public static class Starter {
        LoginDriver driver;

        @Setup(Level.Trial)
        public void setUp(World world) {
            driver = new LoginDriver(world.deployment, "starter");
        }

        @TearDown(Level.Invocation)
        public void forget() {
            driver.forgetStarted();
        }
    }

    /** Finish only; the started flows and the browser's answers are made before each iteration. */
    @State(Scope.Thread)
    public static class Finisher {
        LoginDriver driver;

        @Setup(Level.Trial)
        public void setUp(World world) {
            driver = new LoginDriver(world.deployment, "finisher");
        }

        @Setup(Level.Iteration)
        public void prepare(IterationParams iteration) {
            driver.prepareBatch(iteration);
        }

        @TearDown(Level.Iteration)
        public void forget(IterationParams iteration) {
            driver.forgetBatch(iteration);
        }
    }

    @Benchmark
    public LoginStep start(Starter starter) {
        return starter.driver.start();
    }

    @Benchmark
    public LoginStep finish(Finisher finisher) {
        return finisher.driver.finishNextOfBatch();
    }

    @Benchmark
    @Threads(1)
    public LoginStep startOneThread(Starter starter) {
        return starter.driver.start();
    }

    @Benchmark
    @Threads(1)
    public LoginStep finishOneThread(Finisher finisher) {
        return finisher.driver.finishNextOfBatch();
    }
}
