package dev.passkeyflow.intelligence;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one device's history says about one user's passkeys: read with a single bounded query
 * ({@link LoginAttemptRepository#recentByDevice}) plus the credentials' own created-on and
 * last-used-on records, so its cost does not grow with the user's total history.
 */
final class DeviceHistory {

    private final @Nullable String deviceId;
    private final @Nullable Instant lastSuccess;
    private final Map<Bytes, Instant> usedHere;
    private final int failuresSinceSuccess;
    private final int fastFailuresSinceSuccess;
    private final int fallbacksSinceSuccess;
    private final @Nullable Instant firstFailureSinceSuccess;
    private final @Nullable Instant lastFailureSinceSuccess;
    private final @Nullable Instant lastDecline;
    private final @Nullable Instant lastCreationCancel;
    private final @Nullable Instant presenceProof;
    private final int absenceProofsSinceSuccess;
    private final int failedFlowsSinceSuccess;
    private final int crossDeviceSuccesses;
    private final int failedFlowsSinceCrossDevice;
    private final @Nullable Instant lastImmediateRequest;
    private final int unansweredOffersInRow;
    private final @Nullable Instant newestUnansweredOffer;

    DeviceHistory(
            @Nullable String deviceId,
            @Nullable Instant lastSuccess,
            Map<Bytes, Instant> usedHere,
            int failuresSinceSuccess,
            int fastFailuresSinceSuccess,
            int fallbacksSinceSuccess,
            @Nullable Instant firstFailureSinceSuccess,
            @Nullable Instant lastFailureSinceSuccess,
            @Nullable Instant lastDecline,
            @Nullable Instant lastCreationCancel,
            @Nullable Instant presenceProof,
            int absenceProofsSinceSuccess,
            int failedFlowsSinceSuccess,
            int crossDeviceSuccesses,
            int failedFlowsSinceCrossDevice,
            @Nullable Instant lastImmediateRequest,
            int unansweredOffersInRow,
            @Nullable Instant newestUnansweredOffer) {
        this.deviceId = deviceId;
        this.lastSuccess = lastSuccess;
        this.usedHere = usedHere;
        this.failuresSinceSuccess = failuresSinceSuccess;
        this.fastFailuresSinceSuccess = fastFailuresSinceSuccess;
        this.fallbacksSinceSuccess = fallbacksSinceSuccess;
        this.firstFailureSinceSuccess = firstFailureSinceSuccess;
        this.lastFailureSinceSuccess = lastFailureSinceSuccess;
        this.lastDecline = lastDecline;
        this.lastCreationCancel = lastCreationCancel;
        this.presenceProof = presenceProof;
        this.absenceProofsSinceSuccess = absenceProofsSinceSuccess;
        this.failedFlowsSinceSuccess = failedFlowsSinceSuccess;
        this.crossDeviceSuccesses = crossDeviceSuccesses;
        this.failedFlowsSinceCrossDevice = failedFlowsSinceCrossDevice;
        this.lastImmediateRequest = lastImmediateRequest;
        this.unansweredOffersInRow = unansweredOffersInRow;
        this.newestUnansweredOffer = newestUnansweredOffer;
    }

    /** Nothing is known: the client sent no device id. */
    public static DeviceHistory none() {
        return new DeviceHistory(
                null, null, Map.of(), 0, 0, 0, null, null, null, null, null, 0, 0, 0, 0, null, 0, null);
    }

    /**
     * Reads the history of {@code user} on {@code deviceId}.
     *
     * @param usable the user's credentials that a login may use
     * @param since the start of the history window
     * @param limit the most attempts read
     * @param immediateMillis browser failures faster than this count as immediate
     * @param failuresPerFailedFlow failed attempts before a traditional login that make it a failed flow
     */
    public static DeviceHistory read(
            LoginAttemptRepository attempts,
            Bytes user,
            @Nullable String deviceId,
            List<StoredCredential> usable,
            Instant since,
            int limit,
            long immediateMillis,
            int failuresPerFailedFlow) {
        if (deviceId == null) {
            return none();
        }
        DeviceHistoryScan scan = new DeviceHistoryScan(user, deviceId, immediateMillis, failuresPerFailedFlow);
        scan.credentials(usable);
        // Newest first: everything before the first success seen is "since the last success".
        for (LoginAttempt a : attempts.recentByDevice(deviceId, since, limit)) {
            scan.attempt(a);
        }
        return scan.result();
    }

    /**
     * A copy that also counts {@code credentialId} as used here at {@code at} (weak evidence such as
     * the device's last-login hint). Failures recorded before {@code at} stay counted.
     */
    public DeviceHistory withUsedHere(Bytes credentialId, Instant at) {
        Map<Bytes, Instant> more = new LinkedHashMap<>(usedHere);
        more.merge(credentialId, at, DeviceHistory::later);
        return new DeviceHistory(
                deviceId,
                lastSuccess == null || at.isAfter(lastSuccess) ? at : lastSuccess,
                more,
                failuresSinceSuccess,
                fastFailuresSinceSuccess,
                fallbacksSinceSuccess,
                firstFailureSinceSuccess,
                lastFailureSinceSuccess,
                lastDecline,
                lastCreationCancel,
                presenceProof,
                absenceProofsSinceSuccess,
                failedFlowsSinceSuccess,
                crossDeviceSuccesses,
                failedFlowsSinceCrossDevice,
                lastImmediateRequest,
                unansweredOffersInRow,
                newestUnansweredOffer);
    }

    static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    public boolean deviceKnown() {
        return deviceId != null;
    }

    public @Nullable String deviceId() {
        return deviceId;
    }

    /** The last success of the user on this device (login, registration), if any is known. */
    public @Nullable Instant lastSuccess() {
        return lastSuccess;
    }

    /** Usable credentials that worked on (or were created on) this device, most recent first, with when. */
    public Map<Bytes, Instant> usedHere() {
        return usedHere;
    }

    public boolean positiveHere() {
        return !usedHere.isEmpty();
    }

    /** Failed passkey attempts on this device since its last success (within the window read). */
    public int failuresSinceSuccess() {
        return failuresSinceSuccess;
    }

    /** Of those, browser failures faster than the immediate-failure threshold. */
    public int fastFailuresSinceSuccess() {
        return fastFailuresSinceSuccess;
    }

    public @Nullable Instant firstFailureSinceSuccess() {
        return firstFailureSinceSuccess;
    }

    public @Nullable Instant lastFailureSinceSuccess() {
        return lastFailureSinceSuccess;
    }

    /** The user's last declined creation offer on this device, within the window read. */
    public @Nullable Instant lastDecline() {
        return lastDecline;
    }

    /**
     * The newest {@code InvalidStateError} answer to a creation offer here: the browser refused to
     * create a passkey because one of the excluded (the user's) passkeys is on this authenticator;
     * {@code null} when there is none, or when a passkey login here came after it (that login is
     * the newer word on the passkey's presence, and a failure after it asks the question anew).
     */
    public @Nullable Instant presenceProof() {
        return presenceProof;
    }

    /** Quick immediate-UI-mode rejections since the last success: the browser found no local credential. */
    public int absenceProofsSinceSuccess() {
        return absenceProofsSinceSuccess;
    }

    /** Traditional logins since the last success that followed enough failed passkey attempts to fall back. */
    public int failedFlowsSinceSuccess() {
        return failedFlowsSinceSuccess;
    }

    /** Successes through an authenticator of another device (hybrid, security key), not counted as local. */
    public int crossDeviceSuccesses() {
        return crossDeviceSuccesses;
    }

    /**
     * Traditional logins after failed passkey prompts here since the newest success through another
     * device's authenticator (all of them when there was none), within the history read.
     */
    public int failedFlowsSinceCrossDevice() {
        return failedFlowsSinceCrossDevice;
    }

    /** The newest immediate-UI-mode rejection here, for the browser's rate limit. */
    public @Nullable Instant lastImmediateRequest() {
        return lastImmediateRequest;
    }

    /** Whether this device has no history of the user at all (a new device, or cookies cleared). */
    public boolean empty() {
        return usedHere.isEmpty()
                && lastSuccess == null
                && failuresSinceSuccess == 0
                && fallbacksSinceSuccess == 0
                && crossDeviceSuccesses == 0
                && presenceProof == null
                && lastDecline == null;
    }

    /**
     * Creation offers declined or cancelled in a row on this device, for any account, since the last
     * passkey created here (within the window read).
     */
    public int unansweredOffersInRow() {
        return unansweredOffersInRow;
    }

    /** The newest of those unanswered offers, or {@code null}. */
    public @Nullable Instant newestUnansweredOffer() {
        return newestUnansweredOffer;
    }

    /** The user's last cancelled creation dialog on this device, within the window read. */
    public @Nullable Instant lastCreationCancel() {
        return lastCreationCancel;
    }
}
