package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.intelligence.Evidence.Finding;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The failure decision: a calm retry or the traditional login, and the diagnosis.
 *
 * <p>A cancel-like error never proves by its timing that the passkey is missing: real Safari and
 * Chrome show a sheet when no credential is there and reject only when the person dismisses it,
 * seconds later, while some people dismiss a working passkey's prompt in under a second (WebAuthn
 * Level 3, 14.5.2 "Authentication Ceremony Privacy", https://www.w3.org/TR/webauthn-3/#sctn-assertion-privacy).
 * So the count of failures decides, timing only raises a diagnosis' confidence, and the doubt is
 * resolved after the traditional login by a cheap probe: an offer whose {@code excludeCredentials}
 * makes the browser answer {@code InvalidStateError} when the passkey is there after all. Only
 * immediate UI mode, or history showing the device cannot hold the passkey, ends the attempts at once.
 */
final class FailureRules {

    private final Evidence ev;

    public FailureRules(Evidence evidence) {
        this.ev = Objects.requireNonNull(evidence, "evidence");
    }

    public FailureDecision decide(FailureContext context) {
        PasskeyFailure failure = context.failure();
        List<StoredCredential> usable = context.credentials().stream()
                .filter(c -> c.status().acceptsLogin())
                .toList();
        int counted = countedFailures(context);
        boolean last = counted >= ev.policy().failuresBeforeFallback();
        Finding finding = diagnose(
                context.user().userHandle(),
                usable,
                context.client(),
                failure,
                context.now(),
                last,
                fastIn(context.failuresInFlow()));
        FailureDiagnosis diagnosis = finding.diagnosis();
        boolean fallBack = failure.outcome().isServerSide()
                || diagnosis.cause() == FailureCause.RP_MISCONFIGURATION
                || (finding.passkeyAbsent()
                        && ev.policy().fallBackAtOnceWhenPasskeyAbsent()
                        && !ev.reachableByPhone(
                                ev.history(context.user().userHandle(), context.client(), usable, context.now()),
                                usable,
                                context.client()))
                || last;
        return new FailureDecision(
                fallBack ? FailureDecision.Action.FALLBACK : FailureDecision.Action.RETRY, diagnosis);
    }

    private int fastIn(List<PasskeyFailure> failures) {
        int fast = 0;
        for (PasskeyFailure f : failures) {
            if (f.isCancelLike() && isFast(f.elapsedMillis())) {
                fast++;
            }
        }
        return fast;
    }

    private int countedFailures(FailureContext context) {
        int consecutive = context.consecutiveFailures();
        List<PasskeyFailure> all = context.failuresInFlow();
        for (int i = Math.max(0, all.size() - consecutive); i < all.size(); i++) {
            PasskeyFailure f = all.get(i);
            if (f.outcome() == dev.passkeyflow.storage.AttemptOutcome.IMMEDIATE_REJECTED && isFast(f.elapsedMillis())) {
                // Immediate UI mode rejected without showing anything: the person saw no prompt, so it
                // does not use up one of the attempts before the fallback.
                consecutive--;
            }
        }
        if (!ev.policy().firstCancelCounts()) {
            List<PasskeyFailure> run = context.failuresInFlow();
            int start = Math.max(0, run.size() - consecutive);
            if (start < run.size() && run.get(start).isCancelLike()) {
                consecutive--;
            }
        }
        return consecutive;
    }

    boolean isFast(long elapsedMillis) {
        return elapsedMillis >= 0
                && elapsedMillis < ev.policy().immediateFailureThreshold().toMillis();
    }

    /** The diagnosis an outcome gives by itself, or {@code null} for a cancel-like one (diagnosed from history). */
    private static @Nullable Finding fromOutcome(PasskeyFailure failure) {
        long elapsed = failure.elapsedMillis();
        String errorName = failure.clientErrorName() == null ? "an error" : failure.clientErrorName();
        switch (failure.outcome()) {
            case UNKNOWN_CREDENTIAL -> {
                return Finding.of(
                        FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER,
                        Confidence.HIGH,
                        "the authenticator presented a credential id the server does not know");
            }
            case CREDENTIAL_RETIRED -> {
                return Finding.of(
                        FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER,
                        Confidence.MEDIUM,
                        "the authenticator presented a retired credential");
            }
            case SECURITY_ERROR -> {
                return Finding.of(
                        FailureCause.RP_MISCONFIGURATION,
                        Confidence.HIGH,
                        "browser reported SecurityError: the RP id does not fit the origin");
            }
            case TIMED_OUT -> {
                return Finding.of(
                        FailureCause.TIMED_OUT, Confidence.HIGH, "the ceremony timed out after " + elapsed + " ms");
            }
            case CLIENT_ERROR -> {
                return Finding.of(FailureCause.UNKNOWN, Confidence.LOW, "browser reported " + errorName);
            }
            case CANCELLED, IMMEDIATE_REJECTED -> {
                return null;
            }
            default -> {
                return Finding.of(
                        FailureCause.VERIFICATION_FAILED,
                        Confidence.HIGH,
                        "the server rejected the response: " + failure.outcome());
            }
        }
    }

    /**
     * @param hypothesis whether to state the absence hypothesis (the flow falls back now, and the
     *     offer after the traditional login will test it) rather than a plain cancel
     * @param fastInFlow failures of this flow faster than the threshold, the current one included
     */
    Finding diagnose(
            Bytes user,
            List<StoredCredential> usable,
            ClientContext client,
            PasskeyFailure failure,
            Instant now,
            boolean hypothesis,
            int fastInFlow) {
        Finding fromOutcome = fromOutcome(failure);
        if (fromOutcome != null) {
            return fromOutcome;
        }
        long elapsed = failure.elapsedMillis();
        String errorName = failure.clientErrorName() == null ? "an error" : failure.clientErrorName();
        DeviceHistory history = ev.history(user, client, usable, now);
        if (failure.outcome() == dev.passkeyflow.storage.AttemptOutcome.IMMEDIATE_REJECTED) {
            return immediateRejection(history, usable, client, now, elapsed);
        }
        if (elapsed >= ev.policy().timeoutLikeThreshold().toMillis()) {
            return Finding.of(
                    FailureCause.TIMED_OUT,
                    Confidence.MEDIUM,
                    "browser reported " + errorName + " after " + elapsed + " ms, as after a timeout");
        }
        String timing = "browser reported " + errorName + (elapsed >= 0 ? " after " + elapsed + " ms" : "")
                + "; a missing passkey and a dismissed prompt look the same to the site";
        if (client.deviceId() == null && !hypothesis) {
            return Finding.of(
                    FailureCause.USER_CANCELLED,
                    Confidence.LOW,
                    timing,
                    "no device id: this device's history is unknown");
        }
        Finding absence = ev.absenceHypothesis(history, usable, client, now, fastInFlow, false, timing);
        if (absence.passkeyAbsent() && mayBeHere(history, ev.account(user, now), client, now)) {
            absence = new Finding(absence.diagnosis(), false, absence.goneFromDevice());
        }
        if (hypothesis || absence.passkeyAbsent()) {
            return absence;
        }
        return new Finding(
                FailureDiagnosis.of(
                        FailureCause.USER_CANCELLED,
                        Confidence.LOW,
                        timing,
                        "one failure is no evidence against a passkey: a calm retry"),
                false,
                Set.of());
    }

    /**
     * Whether a device that cannot be told from its own history may hold the passkey after all: a
     * passkey was proven reachable from a client of this platform within the history window, or one
     * was created on a client of this platform that has not been seen since (this may be that client under a new
     * device id). Then the flow's first failed prompt gets the calm retry, not the fallback at once
     * (after it the device has history of its own).
     */
    private boolean mayBeHere(DeviceHistory history, AccountHistory account, ClientContext client, Instant now) {
        return ev.presenceProof(history, account, client, now) != null
                || ev.possiblyOnPlatform(history, account, client, now) != null;
    }

    /** An immediate-UI-mode rejection: quick and not rate-limited is absence, otherwise a dismissal. */
    private Finding immediateRejection(
            DeviceHistory history, List<StoredCredential> usable, ClientContext client, Instant now, long elapsed) {
        Instant previous = history.lastImmediateRequest();
        boolean throttled = previous != null && now.isBefore(previous.plus(Evidence.IMMEDIATE_RATE_WINDOW));
        if (isFast(elapsed) && !throttled) {
            return ev.absenceHypothesis(
                    history,
                    usable,
                    client,
                    now,
                    0,
                    true,
                    "immediate UI mode rejected within " + elapsed + " ms, without showing any UI");
        }
        return new Finding(
                FailureDiagnosis.of(
                        FailureCause.USER_CANCELLED,
                        Confidence.LOW,
                        throttled
                                ? "immediate UI mode rejected, possibly by the browser's rate limit"
                                : "immediate UI mode rejected after " + elapsed + " ms: the person dismissed its UI"),
                false,
                Set.of());
    }
}
