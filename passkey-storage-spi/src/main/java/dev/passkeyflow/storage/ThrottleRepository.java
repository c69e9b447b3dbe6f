package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;

/**
 * Counters of events (failed traditional logins, flow starts) per key and fixed time window, shared
 * by every application node, from which login throttling is decided.
 *
 * <p>A counter is identified by its key and the start of its window. Keys are opaque to storage
 * (passkeyflow writes digests, never identifiers or device ids as typed). Implementations must be
 * thread-safe, must count every increment exactly once even under concurrent increments of the
 * same counter from several nodes, and must never return {@code null}.
 */
public interface ThrottleRepository {

    /** The longest key accepted. */
    int MAX_KEY_LENGTH = 200;

    /**
     * Adds one to the counter of each key for the window that starts at {@code windowStart} and
     * returns the new counts. The increments of one call may be applied one key at a time; each
     * key's increment is atomic.
     *
     * @param keys the counters' keys, 1 to {@value #MAX_KEY_LENGTH} characters each; may be empty
     * @param windowStart the start of the window the counters belong to
     * @param expiresAt the counters are kept at least until this instant and may be purged from it on
     * @return the counts after the increment, one per key, in the order of {@code keys}
     * @throws IllegalArgumentException for a blank or over-long key (nothing is counted)
     */
    List<Long> increment(List<String> keys, Instant windowStart, Instant expiresAt);

    /**
     * Reads counters without changing them.
     *
     * @return the counts, one per key in the order of {@code keys}; 0 for a counter never
     *     incremented (or already purged)
     */
    List<Long> read(List<String> keys, Instant windowStart);

    /**
     * Deletes counters whose {@code expiresAt} is at or before {@code now}.
     *
     * @return how many were deleted (0 if none)
     */
    int purgeExpired(Instant now);
}
