package dev.passkeyflow.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The JMH states the flow benchmarks share. A benchmark subclasses them in three short classes:
 * its {@code World} says which {@link Deployment} it measures, and its {@code Starter} and
 * {@code Finisher} name their {@code World} in a {@code @Setup} method (JMH injects a state by its
 * concrete type, so that one line cannot move here). JMH runs the helper methods inherited from
 * these classes.
 */
public final class DriverStates {

    private DriverStates() {}

    /** One deployment for the whole trial, closed after it. */
    public abstract static class World {
        Deployment deployment;

        /** The deployment to measure. */
        protected abstract Deployment deploy();

        @Setup(Level.Trial)
        public void setUp() {
            deployment = deploy();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            deployment.close();
        }
    }

    /** Start only; the started flow is deleted again outside the measurement. */
    public abstract static class Starter {
        @SuppressWarnings("NullAway.Init") // set by open(), which each subclass's @Setup method calls
        LoginDriver driver;

        protected void open(World world) {
            driver = new LoginDriver(world.deployment, "starter");
        }

        @TearDown(Level.Invocation)
        public void forget() {
            driver.forgetStarted();
        }
    }

    /** Finish only; the started flows and the browser's answers are made before each iteration. */
    public abstract static class Finisher {
        @SuppressWarnings("NullAway.Init") // set by open(), which each subclass's @Setup method calls
        LoginDriver driver;

        protected void open(World world) {
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
}
