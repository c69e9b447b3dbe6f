package dev.passkeyflow.intelligence;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final @Nullable Instant lastImmediateRequest;
    private final int unansweredOffersInRow;
    private final @Nullable Instant newestUnansweredOffer;

    private DeviceHistory(@Nullable String deviceId, @Nullable Instant lastSuccess, Map<Bytes, Instant> usedHere,
            int failuresSinceSuccess, int fastFailuresSinceSuccess, int fallbacksSinceSuccess,
            @Nullable Instant firstFailureSinceSuccess, @Nullable Instant lastFailureSinceSuccess,
            @Nullable Instant lastDecline, @Nullable Instant lastCreationCancel, @Nullable Instant presenceProof,
            int absenceProofsSinceSuccess, int failedFlowsSinceSuccess, int crossDeviceSuccesses,
            @Nullable Instant lastImmediateRequest, int unansweredOffersInRow, @Nullable Instant newestUnansweredOffer) {
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
        this.lastImmediateRequest = lastImmediateRequest;
        this.unansweredOffersInRow = unansweredOffersInRow;
        this.newestUnansweredOffer = newestUnansweredOffer;
    }

    /** Nothing is known: the client sent no device id. */
    public static DeviceHistory none() {
        return new DeviceHistory(null, null, Map.of(), 0, 0, 0, null, null, null, null, null, 0, 0, 0, null, 0, null);
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
    public static DeviceHistory read(LoginAttemptRepository attempts, Bytes user, @Nullable String deviceId,
            List<StoredCredential> usable, Instant since, int limit, long immediateMillis, int failuresPerFailedFlow) {
        if (deviceId == null) {
            return none();
        }
        Scan scan = new Scan(user, deviceId, immediateMillis, failuresPerFailedFlow);
        scan.credentials(usable);
        // Newest first: everything before the first success seen is "since the last success".
        for (LoginAttempt a : attempts.recentByDevice(deviceId, since, limit)) {
            scan.attempt(a);
        }
        return scan.result();
    }

    /** The state of one {@link #read}: the attempts are seen newest first. */
    private static final class Scan {
        private final Bytes user;
        private final String deviceId;
        private final long immediateMillis;
        private final int failuresPerFailedFlow;
        private final Map<Bytes, Instant> used = new HashMap<>();
        private final Map<Bytes, Instant> localUse = new HashMap<>();
        private final java.util.Set<Bytes> crossUse = new java.util.HashSet<>();
        private final java.util.Set<Bytes> usableIds = new java.util.HashSet<>();
        private @Nullable Instant lastSuccess;
        private int failures;
        private int fast;
        private int fallbacks;
        private @Nullable Instant firstFailure;
        private @Nullable Instant lastFailure;
        private @Nullable Instant lastDecline;
        private @Nullable Instant lastCancel;
        private @Nullable Instant presence;
        private @Nullable Instant lastImmediate;
        private int absence;
        private int failedFlows;
        private int crossDevice;
        /** Failures seen before (older than) the traditional login being examined; -1: none open. */
        private int run = -1;
        private boolean successSeen;
        private int deviceUnanswered;
        private @Nullable Instant deviceNewestUnanswered;
        private boolean deviceRunClosed;

        Scan(Bytes user, String deviceId, long immediateMillis, int failuresPerFailedFlow) {
            this.user = user;
            this.deviceId = deviceId;
            this.immediateMillis = immediateMillis;
            this.failuresPerFailedFlow = failuresPerFailedFlow;
        }

        /** Uses the stored credentials record: created here, last used here. */
        void credentials(List<StoredCredential> usable) {
            for (StoredCredential c : usable) {
                if (deviceId.equals(c.createdOn().deviceId())) {
                    used.merge(c.credentialId(), c.createdAt(), DeviceHistory::later);
                    localUse.merge(c.credentialId(), c.createdAt(), DeviceHistory::later);
                }
                ClientInfo lastOn = c.lastUsedOn();
                Instant lastAt = c.lastUsedAt();
                if (lastOn != null && lastAt != null && deviceId.equals(lastOn.deviceId())) {
                    used.merge(c.credentialId(), lastAt, DeviceHistory::later);
                }
                usableIds.add(c.credentialId());
            }
        }

        void attempt(LoginAttempt a) {
            if (!deviceRunClosed) {
                // Offers on this device to anyone (a shared family device): the person in front of it
                // sees one more prompt to create a passkey, whichever account it is for.
                AttemptOutcome outcome = a.outcome();
                if (outcome == AttemptOutcome.REGISTERED) {
                    deviceRunClosed = true;
                } else if (outcome == AttemptOutcome.REGISTRATION_DECLINED
                        || outcome == AttemptOutcome.REGISTRATION_CANCELLED) {
                    deviceUnanswered++;
                    if (deviceNewestUnanswered == null) {
                        deviceNewestUnanswered = a.at();
                    }
                }
            }
            if (!user.equals(a.userHandle())) {
                return;
            }
            AttemptOutcome o = a.outcome();
            if (o == AttemptOutcome.IMMEDIATE_REJECTED && lastImmediate == null) {
                lastImmediate = a.at();
            }
            if (a.crossPlatformSuccess()) {
                // A phone over hybrid or a security key signed: nothing about this device's own authenticator.
                crossDevice++;
                if (a.credentialId() != null) {
                    crossUse.add(Objects.requireNonNull(a.credentialId()));
                }
                return;
            }
            if (o == AttemptOutcome.ALREADY_REGISTERED && presence == null) {
                // InvalidStateError on create() with excludeCredentials: one of the user's passkeys is here.
                presence = a.at();
            }
            if (o == AttemptOutcome.SUCCEEDED || o == AttemptOutcome.REGISTERED
                    || o == AttemptOutcome.ALREADY_REGISTERED) {
                success(a);
                return;
            }
            if (o == AttemptOutcome.REGISTRATION_DECLINED && lastDecline == null) {
                lastDecline = a.at();
            }
            if (o == AttemptOutcome.REGISTRATION_CANCELLED && lastCancel == null) {
                lastCancel = a.at();
            }
            if (successSeen) {
                return;
            }
            if (o.isAuthenticationFailure()) {
                failure(a);
            } else if (o == AttemptOutcome.FALLBACK_SUCCEEDED) {
                fallbacks++;
                if (run >= failuresPerFailedFlow) {
                    failedFlows++;
                }
                run = 0;
            }
        }

        private void success(LoginAttempt a) {
            if (!successSeen && run >= failuresPerFailedFlow) {
                failedFlows++;
            }
            Bytes credentialId = a.credentialId();
            if (credentialId != null && usableIds.contains(credentialId)) {
                used.merge(credentialId, a.at(), DeviceHistory::later);
                localUse.merge(credentialId, a.at(), DeviceHistory::later);
            }
            if (!successSeen) {
                successSeen = true;
                lastSuccess = a.at();
            }
        }

        private void failure(LoginAttempt a) {
            AttemptOutcome o = a.outcome();
            failures++;
            if (run >= 0) {
                run++;
            }
            boolean quick = a.elapsedMillis() >= 0 && a.elapsedMillis() < immediateMillis;
            if (o == AttemptOutcome.IMMEDIATE_REJECTED && quick) {
                absence++;
            }
            if (lastFailure == null) {
                lastFailure = a.at();
            }
            firstFailure = a.at();
            if (o == AttemptOutcome.CANCELLED && quick) {
                fast++;
            }
        }

        DeviceHistory result() {
            if (!successSeen && run >= failuresPerFailedFlow) {
                failedFlows++;
            }
            for (Bytes id : crossUse) {
                // The credential's stored last use on this device was the cross-device success itself.
                Instant local = localUse.get(id);
                if (local == null) {
                    used.remove(id);
                } else {
                    used.put(id, local);
                }
            }
            for (Instant at : used.values()) {
                if (lastSuccess == null || at.isAfter(lastSuccess)) {
                    lastSuccess = at;
                }
            }
            if (lastSuccess != null && lastFailure != null && lastFailure.isBefore(lastSuccess)) {
                // A stored last use newer than the failures read: they are no longer "since".
                failures = 0;
                fast = 0;
                fallbacks = 0;
                absence = 0;
                failedFlows = 0;
                firstFailure = null;
                lastFailure = null;
            }
            List<Map.Entry<Bytes, Instant>> sorted = new ArrayList<>(used.entrySet());
            sorted.sort(Map.Entry.<Bytes, Instant>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()));
            Map<Bytes, Instant> ordered = new LinkedHashMap<>();
            sorted.forEach(e -> ordered.put(e.getKey(), e.getValue()));
            return new DeviceHistory(deviceId, lastSuccess, ordered, failures, fast, fallbacks, firstFailure,
                    lastFailure, lastDecline, lastCancel, presence, absence, failedFlows, crossDevice, lastImmediate,
                    deviceUnanswered, deviceNewestUnanswered);
        }
    }

    /**
     * A copy that also counts {@code credentialId} as used here at {@code at} (weak evidence such as
     * the device's last-login hint). Failures recorded before {@code at} stay counted.
     */
    public DeviceHistory withUsedHere(Bytes credentialId, Instant at) {
        Map<Bytes, Instant> more = new LinkedHashMap<>(usedHere);
        more.merge(credentialId, at, DeviceHistory::later);
        return new DeviceHistory(deviceId, lastSuccess == null || at.isAfter(lastSuccess) ? at : lastSuccess,
                more, failuresSinceSuccess, fastFailuresSinceSuccess, fallbacksSinceSuccess, firstFailureSinceSuccess,
                lastFailureSinceSuccess, lastDecline, lastCreationCancel, presenceProof, absenceProofsSinceSuccess,
                failedFlowsSinceSuccess, crossDeviceSuccesses, lastImmediateRequest, unansweredOffersInRow,
                newestUnansweredOffer);
    }

    private static Instant later(Instant a, Instant b) {
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
     * create a passkey because one of the excluded (the user's) passkeys is on this authenticator.
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

    /** The newest immediate-UI-mode rejection here, for the browser's rate limit. */
    public @Nullable Instant lastImmediateRequest() {
        return lastImmediateRequest;
    }

    /** Whether this device has no history of the user at all (a new device, or cookies cleared). */
    public boolean empty() {
        return usedHere.isEmpty() && lastSuccess == null && failuresSinceSuccess == 0 && fallbacksSinceSuccess == 0
                && crossDeviceSuccesses == 0 && presenceProof == null && lastDecline == null;
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
