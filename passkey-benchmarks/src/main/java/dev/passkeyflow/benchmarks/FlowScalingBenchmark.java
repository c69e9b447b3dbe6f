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
import org.openjdk.jmh.annotations.Threads;

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
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(2)
public class FlowScalingBenchmark {

    @State(Scope.Benchmark)
    public static class World extends DriverStates.World {
        @Override
        protected Deployment deploy() {
            return Deployment.inMemory();
        }
    }

    @State(Scope.Thread)
    public static class Starter extends DriverStates.Starter {
        @Setup(Level.Trial)
        public void setUp(World world) {
            open(world);
        }
    }

    @State(Scope.Thread)
    public static class Finisher extends DriverStates.Finisher {
        @Setup(Level.Trial)
        public void setUp(World world) {
            open(world);
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
