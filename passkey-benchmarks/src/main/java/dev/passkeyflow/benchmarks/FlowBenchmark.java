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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The flow: {@code LoginFlow.start} and {@code finishPasskey} to completion on the in-memory
 * storage, with the default advisor (and with Passkey Intelligence when it is on the classpath:
 * {@code -p advisor=default,intelligence}). One thread; see {@link FlowScalingBenchmark} for two.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class FlowBenchmark {

    @State(Scope.Benchmark)
    public static class World {
        @Param({"default"})
        public String advisor;

        Deployment deployment;

        @Setup(Level.Trial)
        public void setUp() {
            deployment = Deployment.inMemory(Advisors.named(advisor));
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
}
