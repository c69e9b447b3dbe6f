package dev.passkeyflow.intelligence;

import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.LoginAttempt;
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
 * The state of one {@link DeviceHistory#read}: the attempts of one user are seen newest first and
 * folded into the counts a {@link DeviceHistory} holds.
 */
final class DeviceHistoryScan {
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
    /** Failed flows newer than the newest cross-device success; -1 until one is seen. */
    private int failedFlowsSinceCross = -1;
    /** Failures seen before (older than) the traditional login being examined; -1: none open. */
    private int run = -1;

    private boolean successSeen;
    private int deviceUnanswered;
    private @Nullable Instant deviceNewestUnanswered;
    private boolean deviceRunClosed;

    DeviceHistoryScan(Bytes user, String deviceId, long immediateMillis, int failuresPerFailedFlow) {
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
            if (crossDevice == 0) {
                failedFlowsSinceCross = failedFlows + (!successSeen && run >= failuresPerFailedFlow ? 1 : 0);
            }
            crossDevice++;
            if (a.credentialId() != null) {
                crossUse.add(Objects.requireNonNull(a.credentialId()));
            }
            return;
        }
        if (o == AttemptOutcome.ALREADY_REGISTERED && presence == null && !successSeen) {
            // InvalidStateError on create() with excludeCredentials: one of the user's passkeys is here.
            // A passkey login here after it answered the same question again, and a failed flow after
            // that login asks it anew (the passkey may have been deleted since): the proof no longer holds.
            presence = a.at();
        }
        if (o == AttemptOutcome.SUCCEEDED || o == AttemptOutcome.REGISTERED || o == AttemptOutcome.ALREADY_REGISTERED) {
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
        return new DeviceHistory(
                deviceId,
                lastSuccess,
                ordered,
                failures,
                fast,
                fallbacks,
                firstFailure,
                lastFailure,
                lastDecline,
                lastCancel,
                presence,
                absence,
                failedFlows,
                crossDevice,
                failedFlowsSinceCross < 0 ? failedFlows : Math.min(failedFlowsSinceCross, failedFlows),
                lastImmediate,
                deviceUnanswered,
                deviceNewestUnanswered);
    }
}
