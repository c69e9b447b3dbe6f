package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;

/**
 * Passkey offer events with an expiry time, shared by every application node: the store behind
 * per-kind cooldowns and unanswered-offer counters (per account and per device).
 *
 * <p>Reads return only events that have not expired at the given instant, newest first (events at
 * the same instant: the later-recorded first), at most {@code limit} of them, so their cost does not
 * grow with history. Implementations must be thread-safe, never return {@code null}, and leave stored
 * state unchanged when they throw. Expired events may be dropped at any time.
 */
public interface PasskeyEventRepository {

    /**
     * Records an event. An event whose {@link PasskeyEvent#eventId() id} is already stored is not
     * stored again (the call succeeds and changes nothing), so a step applied twice records once.
     */
    void append(PasskeyEvent event);

    /**
     * The unexpired events of an account, newest first.
     *
     * @param now events with {@code expiresAt <= now} are left out
     * @param limit the most events returned; must be positive
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<PasskeyEvent> activeByUser(Bytes userHandle, Instant now, int limit);

    /**
     * The unexpired events recorded with a device id, for any account, newest first.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<PasskeyEvent> activeByDevice(String deviceId, Instant now, int limit);

    /**
     * Deletes every event that has expired at {@code now} ({@code expiresAt <= now}).
     *
     * @return how many were deleted
     */
    int purgeExpired(Instant now);
}
