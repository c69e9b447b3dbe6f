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

/**
 * The error-fallback-heal path on the in-memory storage with the default advisor: two browser
 * errors, fallback success, registration of a new passkey. See {@link HealDriver} for the halves.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class HealBenchmark {

    @State(Scope.Benchmark)
    public static class World extends DriverStates.World {
        @Override
        protected Deployment deploy() {
            return Deployment.inMemory();
        }
    }

    @State(Scope.Thread)
    public static class UntilOffer {
        HealDriver driver;

        @Setup(Level.Trial)
        public void setUp(World world) {
            driver = new HealDriver(world.deployment, "offer");
        }

        @TearDown(Level.Invocation)
        public void reset() {
            driver.reset();
        }
    }

    @State(Scope.Thread)
    public static class Registration {
        HealDriver driver;

        @Setup(Level.Trial)
        public void setUp(World world) {
            driver = new HealDriver(world.deployment, "healer");
        }

        @Setup(Level.Invocation)
        public void prepare() {
            driver.prepareFinish();
        }

        @TearDown(Level.Invocation)
        public void reset() {
            driver.reset();
        }
    }

    @Benchmark
    public LoginStep untilOffer(UntilOffer state) {
        return state.driver.untilOffer();
    }

    @Benchmark
    public LoginStep finish(Registration state) {
        return state.driver.finish();
    }
}
