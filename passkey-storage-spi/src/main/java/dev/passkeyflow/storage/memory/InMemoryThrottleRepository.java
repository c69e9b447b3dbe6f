package dev.passkeyflow.storage.memory;

import dev.passkeyflow.storage.ThrottleRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe, bounded, in-memory {@link ThrottleRepository} for one application node.
 *
 * <p>Several nodes each with their own instance throttle each on their own: a deployment with more
 * than one node needs a shared implementation (the JDBC storage has one).
 *
 * <p>At most {@code maxCounters} counters are kept. When a new counter does not fit, expired ones
 * are purged first (by the injected clock, at most once a second); if the store is still full, the
 * counters that the map happens to iterate first are dropped, which forgets their counts. Filling
 * the store therefore takes {@code maxCounters} distinct keys within one window, and forgets counts
 * of keys chosen by hash order, not by the flooding key.
 */
public final class InMemoryThrottleRepository implements ThrottleRepository {

    /** The default bound on stored counters: {@value}. */
    public static final int DEFAULT_MAX_COUNTERS = 200_000;

    private record Window(String key, Instant start) {}

    private static final class Counter {
        final AtomicLong count = new AtomicLong();
        final Instant expiresAt;

        Counter(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private final Clock clock;
    private final int maxCounters;
    private final ConcurrentHashMap<Window, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong lastPurgeMillis = new AtomicLong(Long.MIN_VALUE);

    /** A repository with the system UTC clock and {@value #DEFAULT_MAX_COUNTERS} counters at most. */
    public InMemoryThrottleRepository() {
        this(Clock.systemUTC(), DEFAULT_MAX_COUNTERS);
    }

    /**
     * @param clock judges expiry when the store is full
     * @param maxCounters the most counters kept; positive
     * @throws IllegalArgumentException if {@code maxCounters} is not positive
     */
    public InMemoryThrottleRepository(Clock clock, int maxCounters) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxCounters <= 0) {
            throw new IllegalArgumentException("maxCounters must be positive, was " + maxCounters);
        }
        this.maxCounters = maxCounters;
    }

    @Override
    public List<Long> increment(List<String> keys, Instant windowStart, Instant expiresAt) {
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(expiresAt, "expiresAt");
        keys.forEach(InMemoryThrottleRepository::checkKey);
        List<Long> counts = new ArrayList<>(keys.size());
        for (String key : keys) {
            Window window = new Window(key, windowStart);
            Counter counter = counters.get(window);
            if (counter == null) {
                makeRoom();
                counter = counters.computeIfAbsent(window, w -> new Counter(expiresAt));
            }
            counts.add(counter.count.incrementAndGet());
        }
        return List.copyOf(counts);
    }

    @Override
    public List<Long> read(List<String> keys, Instant windowStart) {
        Objects.requireNonNull(windowStart, "windowStart");
        keys.forEach(InMemoryThrottleRepository::checkKey);
        List<Long> counts = new ArrayList<>(keys.size());
        for (String key : keys) {
            Counter counter = counters.get(new Window(key, windowStart));
            counts.add(counter == null ? 0L : counter.count.get());
        }
        return List.copyOf(counts);
    }

    @Override
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        int purged = 0;
        for (Iterator<Counter> it = counters.values().iterator(); it.hasNext(); ) {
            if (!it.next().expiresAt.isAfter(now)) {
                it.remove();
                purged++;
            }
        }
        return purged;
    }

    /** How many counters are stored. */
    public int size() {
        return counters.size();
    }

    private void makeRoom() {
        if (counters.size() < maxCounters) {
            return;
        }
        long nowMillis = clock.millis();
        long last = lastPurgeMillis.get();
        if (nowMillis - last >= 1_000 && lastPurgeMillis.compareAndSet(last, nowMillis)) {
            purgeExpired(clock.instant());
        }
        for (Iterator<Window> it = counters.keySet().iterator(); counters.size() >= maxCounters && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "a throttle key must be 1 to " + MAX_KEY_LENGTH + " non-blank characters, was " + key.length());
        }
    }
}
