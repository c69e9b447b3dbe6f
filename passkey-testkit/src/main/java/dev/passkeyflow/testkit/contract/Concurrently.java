package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs tasks on many threads released at the same moment, for the kits' concurrency tests. */
final class Concurrently {

    /** How long one concurrency test may run before it fails. */
    static final long TIMEOUT_SECONDS = 60;

    private Concurrently() {}

    /**
     * Starts {@code threads} tasks, holds them at a start line until all are running, releases
     * them together and returns their results in task order. A task that throws fails the test.
     */
    static <T> List<T> run(int threads, IntFunction<Callable<T>> taskFactory) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> task = taskFactory.apply(i);
                futures.add(executor.submit(() -> {
                    ready.countDown();
                    if (!go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        throw new TimeoutException("start signal not given");
                    }
                    return task.call();
                }));
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("the %d threads did not start within %d s", threads, TIMEOUT_SECONDS);
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (Future<T> future : futures) {
                results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the threads", e);
        } catch (ExecutionException e) {
            throw new AssertionError("a thread failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the threads did not finish within " + TIMEOUT_SECONDS + " s", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
