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
 * {@link FlowBenchmark} on {@code JdbcStorage} over a HikariCP pool of 4: an in-memory H2
 * database, and PostgreSQL with {@code -p db=h2,postgresql} when {@value Deployment#PG_URL_ENV}
 * names one (scripts/bench does this when the variable is set).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class JdbcFlowBenchmark {

    @State(Scope.Benchmark)
    public static class World extends DriverStates.World {
        @Param({"h2"})
        public String db;

        @Override
        protected Deployment deploy() {
            return Deployment.jdbc(db, Advisors.named("default"));
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
