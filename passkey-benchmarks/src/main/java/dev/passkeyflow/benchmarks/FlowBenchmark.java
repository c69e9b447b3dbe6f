package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * The flow: {@code LoginFlow.start} and {@code finishPasskey} to completion on the in-memory
 * storage, with the default advisor (and with Passkey Intelligence when it is on the classpath:
 * {@code -p advisor=default,intelligence}). One thread; see {@link FlowScalingBenchmark} for two.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class FlowBenchmark {

    @State(Scope.Benchmark)
    public static class World extends DriverStates.World {
        @Param({"default"})
        public String advisor;

        @Override
        protected Deployment deploy() {
            return Deployment.inMemory(Advisors.named(advisor));
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
}
