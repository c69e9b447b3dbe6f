package dev.passkeyflow.benchmarks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * A batch of prepared logins that a {@code finish} benchmark consumes, one per invocation, made
 * before each iteration.
 *
 * <p>A finish needs a started flow and the browser's signature over its challenge. Making them per
 * invocation (JMH {@code Level.Invocation}) spends more than half of every iteration outside the
 * measured code, so the JIT sees fewer finishes per second and the measured iterations are still
 * warming up; with two threads, one thread's signing also runs on the core the other thread is
 * measured on. So they are made in a batch before each iteration.
 *
 * <p>Signing costs about half a finish, so the batch is sized to what the iteration can use: at
 * most {@link #MAX_PER_MILLISECOND} logins per millisecond of iteration time (more than one thread
 * finishes: about 1.1 ms per finish on Java 17 and 0.4 ms on Java 25 here), and no more than
 * {@link #MARGIN} times what the previous iteration used (a slow finish, e.g. on PostgreSQL, then
 * does not pay for thousands of unused signatures). Should a batch run out anyway, more are made
 * on the spot; that is harmless in a warm-up iteration and fails the benchmark in a measured one
 * (the signing would be measured).
 *
 * @param <T> one prepared login
 */
final class Batches<T> {

    /** The most logins prepared per millisecond of iteration time. */
    static final double MAX_PER_MILLISECOND = 2.5;
    /**
     * At most this many times what the previous iteration used: from a cold first warm-up
     * iteration to the next, a finish got up to 2.5 times faster in our runs.
     */
    static final double MARGIN = 3;

    static final int MIN_BATCH = 100;

    private final Supplier<T> prepare;
    private final Consumer<T> forget;
    private final ArrayDeque<T> batch = new ArrayDeque<>();
    /** Everything prepared for this iteration, used or not, to be forgotten after it. */
    private final List<T> all = new ArrayList<>();

    private int prepared;
    private int usedBefore = -1;
    private boolean ranOut;

    /**
     * @param prepare makes one login ready to finish (not measured)
     * @param forget discards a prepared login after the iteration, used or not (not measured), so
     *     that the flow store stays at a steady size over a run
     */
    Batches(Supplier<T> prepare, Consumer<T> forget) {
        this.prepare = prepare;
        this.forget = forget;
    }

    /** How many logins an iteration gets: see the class comment. */
    static int size(IterationParams iteration, int usedBefore) {
        long millis = iteration.getTime().convertTo(TimeUnit.MILLISECONDS);
        int most = (int) Math.max(MIN_BATCH, Math.ceil(millis * MAX_PER_MILLISECOND));
        return usedBefore < 0 ? most : (int) Math.min(most, Math.max(MIN_BATCH, Math.ceil(usedBefore * MARGIN)));
    }

    /** JMH {@code Level.Iteration} set-up: prepares the iteration's batch. */
    void prepare(IterationParams iteration) {
        int count = size(iteration, usedBefore);
        for (int i = 0; i < count; i++) {
            add(prepare.get());
        }
        prepared = count;
        ranOut = false;
    }

    /** Measured code: the next prepared login, oldest first. */
    T next() {
        T next = batch.poll();
        if (next == null) {
            ranOut = true;
            for (int i = 0; i < MIN_BATCH; i++) {
                add(prepare.get());
            }
            prepared += MIN_BATCH;
            next = batch.poll();
        }
        return next;
    }

    private void add(T login) {
        batch.add(login);
        all.add(login);
    }

    /**
     * JMH {@code Level.Iteration} tear-down: forgets every login prepared for the iteration.
     *
     * @throws IllegalStateException if a measured iteration ran out and signed inside the measurement
     */
    void finish(IterationParams iteration) {
        usedBefore = prepared - batch.size();
        all.forEach(forget);
        all.clear();
        batch.clear();
        if (ranOut && iteration.getType() == IterationType.MEASUREMENT) {
            throw new IllegalStateException("a measured iteration ran out of prepared logins and signed inside"
                    + " the measurement; use longer warm-up iterations or raise Batches.MARGIN");
        }
    }
}
