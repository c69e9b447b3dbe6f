package dev.passkeyflow.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand: it stands still until {@link #advance(Duration)} or
 * {@link #set(Instant)} moves it. Thread-safe; the zone is UTC.
 *
 * <p>Give it to the code under test instead of sleeping:
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock();
 * FlowStateRepository flows = new InMemoryFlowStateRepository(clock);
 * flows.create(new FlowRecord("f1", 0, clock.instant().plusSeconds(300), "{}"));
 * clock.advance(Duration.ofMinutes(5));   // now the flow has expired
 * }</pre>
 */
public final class MutableClock extends Clock {

    /** Where a clock made with {@link #MutableClock()} starts: 2025-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock standing at {@link #DEFAULT_START}. */
    public MutableClock() {
        this(DEFAULT_START);
    }

    /**
     * A clock standing at {@code start}.
     *
     * @param start the instant the clock reads until it is moved
     */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far; zero or positive
     * @return the new instant
     * @throws IllegalArgumentException if {@code amount} is negative (use {@link #set(Instant)} to
     *     go back in time)
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must not be negative, was " + amount);
        }
        return now.updateAndGet(instant -> instant.plus(amount));
    }

    /**
     * Puts the clock at an instant, forward or back.
     *
     * @param instant the instant the clock reads from now on
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        // Never null: the constructor, set and advance all refuse null.
        return Objects.requireNonNull(now.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time: moving one moves both. */
    @Override
    public Clock withZone(ZoneId newZone) {
        Objects.requireNonNull(newZone, "newZone");
        return newZone.equals(zone) ? this : new MutableClock(now, newZone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}
