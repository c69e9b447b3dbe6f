package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One recorded step of a login flow and its classified outcome.
 *
 * @param userHandle the account the flow was for
 * @param deviceId the long-lived device id of the client, or {@code null} when the client sent none
 * @param credentialId the credential involved, when known (the one presented, or the one created)
 * @param outcome the classified outcome
 * @param clientErrorName the DOMException name the browser reported, if any (unknown names are
 *     kept as they are)
 * @param elapsedMillis how long the ceremony took in the browser, or {@code -1} if unknown
 * @param at when the outcome was recorded
 * @param platform the client's operating system family, if known
 * @param attemptId an id that makes recording this attempt idempotent: a repository stores an
 *     attempt whose id it already holds only once (1 to {@value #MAX_ATTEMPT_ID_LENGTH}
 *     characters), or {@code null} for an attempt recorded without one (always stored)
 */
public record LoginAttempt(
        Bytes userHandle,
        @Nullable String deviceId,
        @Nullable Bytes credentialId,
        AttemptOutcome outcome,
        @Nullable String clientErrorName,
        long elapsedMillis,
        Instant at,
        @Nullable String platform,
        @Nullable String attemptId) {

    /** The longest attempt id accepted. */
    public static final int MAX_ATTEMPT_ID_LENGTH = 160;

    /** The longest client error name kept; longer names are truncated. */
    public static final int MAX_CLIENT_ERROR_NAME_LENGTH = 64;

    public LoginAttempt {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        if (elapsedMillis < -1) {
            throw new IllegalArgumentException("elapsedMillis must be -1 (unknown) or >= 0, was " + elapsedMillis);
        }
        if (clientErrorName != null && clientErrorName.length() > MAX_CLIENT_ERROR_NAME_LENGTH) {
            clientErrorName = clientErrorName.substring(0, MAX_CLIENT_ERROR_NAME_LENGTH);
        }
        if (attemptId != null && (attemptId.isEmpty() || attemptId.length() > MAX_ATTEMPT_ID_LENGTH)) {
            throw new IllegalArgumentException("attemptId must be 1 to " + MAX_ATTEMPT_ID_LENGTH
                    + " characters, was " + attemptId.length());
        }
    }

    /** An attempt without an attempt id: every {@code append} of it stores it again. */
    public LoginAttempt(Bytes userHandle, @Nullable String deviceId, @Nullable Bytes credentialId,
            AttemptOutcome outcome, @Nullable String clientErrorName, long elapsedMillis, Instant at,
            @Nullable String platform) {
        this(userHandle, deviceId, credentialId, outcome, clientErrorName, elapsedMillis, at, platform, null);
    }

    /** The same attempt with an attempt id. */
    public LoginAttempt withAttemptId(String id) {
        return new LoginAttempt(userHandle, deviceId, credentialId, outcome, clientErrorName, elapsedMillis, at,
                platform, Objects.requireNonNull(id, "id"));
    }
}
