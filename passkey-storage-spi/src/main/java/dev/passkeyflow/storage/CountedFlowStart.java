package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;

/**
 * An optional capability of a storage that keeps throttle counters and flows in one database: a
 * login start's counting and its new flow in one call, which a database can answer in one round
 * trip.
 *
 * <p>The effects are those of {@link ThrottleRepository#increment} with the same keys and window,
 * followed, only if no new count is above its limit, by {@link FlowStateRepository#create}.
 * Implementations must be thread-safe.
 */
public interface CountedFlowStart {

    /**
     * Counts a flow start and stores the new flow unless a counter went over its limit.
     *
     * @param flow the new flow, version 0
     * @param keys the counters' keys, distinct, 1 to {@value ThrottleRepository#MAX_KEY_LENGTH}
     *     characters each
     * @param limits the highest count allowed for each key, in the order of {@code keys}
     * @param windowStart the start of the counters' window
     * @param expiresAt the counters are kept at least until this instant
     * @return the counts after the increment, one per key in the order of {@code keys}; the flow
     *     was stored if and only if no count is above its limit
     * @throws IllegalArgumentException for a flow whose version is not 0, keys that repeat, a bad
     *     key, or limits that do not match the keys (nothing is written)
     * @throws StorageException {@link StorageException.Reason#DUPLICATE} when the counts are within
     *     their limits but a live flow has this id (the counters stay counted)
     */
    List<Long> startFlow(FlowRecord flow, List<String> keys, List<Long> limits, Instant windowStart, Instant expiresAt);
}
