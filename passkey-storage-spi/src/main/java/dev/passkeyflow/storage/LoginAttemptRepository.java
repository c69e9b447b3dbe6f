package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.List;

/**
 * Append-only history of login attempts, read back in bounded, newest-first windows.
 *
 * <p>Every query takes a lower time bound and a limit so that its cost does not grow with a
 * user's total history. Results are ordered newest first; attempts with the same time are
 * ordered by insertion, the later one first. Implementations must be thread-safe and never return
 * {@code null}; they may drop the oldest entries to bound their size, but never the newest.
 */
public interface LoginAttemptRepository {

    /**
     * Appends one attempt. An attempt whose {@link LoginAttempt#attemptId() attempt id} is already
     * stored is not stored again (the call succeeds and changes nothing): login flows record an
     * attempt with an id so that a step applied twice, by a retry or by a racing request, still
     * leaves one entry in the history. Attempts without an id are always appended.
     */
    void append(LoginAttempt attempt);

    /**
     * The most recent attempts of a user at or after {@code since}.
     *
     * @param limit the most attempts returned; must be positive
     * @return at most {@code limit} attempts, newest first; empty if there are none
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit);

    /**
     * The most recent attempts made from a device at or after {@code since}, for any user.
     *
     * @return at most {@code limit} attempts, newest first; empty if there are none
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit);

    /**
     * The most recent attempts that involved a credential at or after {@code since}.
     *
     * @return at most {@code limit} attempts, newest first; empty if there are none
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit);

    /**
     * Deletes every attempt recorded before {@code cutoff}; an attempt recorded exactly at
     * {@code cutoff} is kept.
     *
     * @return how many attempts were deleted (0 if none)
     */
    int purgeOlderThan(Instant cutoff);
}
