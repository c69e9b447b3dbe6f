package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.advisor.StartDecision.Action;
import dev.passkeyflow.intelligence.AutoHealingPolicy.UncertainStart;
import dev.passkeyflow.intelligence.CredentialInsight.Availability;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The start decision: attempt a passkey login (in immediate UI mode where the browser has it), offer
 * a button, or go to the traditional login. Reads at most one short device page, one device window
 * and one account window.
 */
final class StartRules {

    /** How many of a device's newest attempts the fast path reads. */
    static final int FAST_PATH_PAGE = 8;

    /**
     * Failed flows (prompts failed, then the traditional login) since the last success after which a
     * way of signing in counts as no longer working here: one may be a person who dismissed the prompt.
     */
    static final int FAILED_FLOWS_FOR_NEGATIVE = 2;

    private final Evidence ev;

    public StartRules(Evidence evidence) {
        this.ev = Objects.requireNonNull(evidence, "evidence");
    }

    public StartDecision decide(StartContext context) {
        if (context.user() == null || context.usableCredentials().isEmpty()) {
            return StartDecision.of(Action.FALLBACK, DecisionTag.USER_HAS_NO_PASSKEYS);
        }
        ClientContext client = context.client();
        List<StoredCredential> usable = context.usableCredentials();
        if (client.reportsNoAuthenticatorAtAll()) {
            // getClientCapabilities() speaks of platform authenticators and hybrid only; a USB or NFC
            // security key still works on such a computer.
            return ev.maySecurityKey(usable)
                    ? StartDecision.of(
                            Action.OFFER_BUTTON,
                            DecisionTag.NO_PASSKEY_SUPPORT_IN_ENVIRONMENT,
                            DecisionTag.SECURITY_KEY_POSSIBLE)
                    : StartDecision.of(Action.FALLBACK, DecisionTag.NO_PASSKEY_SUPPORT_IN_ENVIRONMENT);
        }
        Bytes user = Objects.requireNonNull(context.user()).userHandle();
        Instant now = context.now();
        if (lastWordHereIsLocalSuccess(user, client.deviceId(), usable, now)) {
            return attempt(client, null, DecisionTag.POSITIVE_HISTORY_ON_ENVIRONMENT);
        }
        DeviceHistory history = ev.history(user, client, usable, now);
        StartDecision fromFailures = afterFailures(history, usable, client, now);
        if (fromFailures != null) {
            return fromFailures;
        }
        if (history.positiveHere()) {
            return attempt(client, history, DecisionTag.POSITIVE_HISTORY_ON_ENVIRONMENT);
        }
        AccountHistory account = ev.account(user, now);
        if (ev.presenceProof(history, account, client, now) != null) {
            return attempt(client, history, DecisionTag.POSITIVE_HISTORY_ON_PLATFORM);
        }
        return fromAvailability(history, account, usable, client, now);
    }

    /**
     * The start on a device where passkey prompts failed since the last success, or {@code null}
     * when the history has no recent failed flow. A device whose passkey may still come from the
     * user's phone keeps that way open: a failure of its own authenticator says nothing about the phone.
     */
    private @Nullable StartDecision afterFailures(
            DeviceHistory history, List<StoredCredential> usable, ClientContext client, Instant now) {
        if (!history.deviceKnown() || !ev.policy().skipAutoStartOnNegativeHistory()) {
            return null;
        }
        boolean negative = negative(history, usable, client, now);
        boolean uncertain =
                !negative && history.failedFlowsSinceSuccess() >= 1 && recent(history.lastFailureSinceSuccess(), now);
        if (!negative && !uncertain) {
            return null;
        }
        DecisionTag tag =
                negative ? DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT : DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT;
        if (ev.reachableByPhone(history, usable, client)) {
            Action phone = phoneOnly(history);
            if (negative || phone == Action.ATTEMPT_AUTOMATICALLY) {
                return StartDecision.of(phone, tag, DecisionTag.HYBRID_TRANSPORT_POSSIBLE);
            }
            // After one failed flow, uncertainStart decides: immediate UI mode, where the browser has it,
            // rejects at once here and the sheet with the QR code follows without a click.
        }
        return immediateOr(client, history, now, negative ? negativeAction(history) : uncertainAction(), tag);
    }

    /**
     * How a start with negative history begins: the traditional login where immediate UI mode proved
     * the passkey absent; a button where only failed flows suggest it. Two flows of dismissed prompts
     * are what a deleted passkey looks like behind a browser's sheet, and also what a person who
     * twice dismissed a working passkey's prompt looks like: the button costs the first a glance and
     * gives the second a way to the passkey without a 30-day detour through the password.
     */
    private static Action negativeAction(DeviceHistory history) {
        return history.absenceProofsSinceSuccess() > 0 ? Action.FALLBACK : Action.OFFER_BUTTON;
    }

    /** How a start where the passkey may or may not be here begins, by {@link AutoHealingPolicy#uncertainStart()}. */
    private Action uncertainAction() {
        return ev.policy().uncertainStart() == UncertainStart.ATTEMPT_AUTOMATICALLY
                ? Action.ATTEMPT_AUTOMATICALLY
                : Action.OFFER_BUTTON;
    }

    /** The start on a device without history of the user's passkeys: from where the passkeys can be. */
    private StartDecision fromAvailability(
            DeviceHistory history,
            AccountHistory account,
            List<StoredCredential> usable,
            ClientContext client,
            Instant now) {
        Availability best = ev.bestAvailability(usable, client, null);
        if (best == Availability.LIKELY) {
            return attempt(client, history, DecisionTag.HIGH_CONFIDENCE_PLATFORM_PASSKEY);
        }
        Action uncertain = uncertainAction();
        if (best == Availability.UNCERTAIN) {
            return immediateOr(client, history, now, uncertain, DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN);
        }
        DecisionTag onPlatform = ev.possiblyOnPlatform(history, account, client, now);
        if (onPlatform != null) {
            return immediateOr(client, history, now, uncertain, DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN, onPlatform);
        }
        if (!Boolean.FALSE.equals(client.capability(ClientContext.CAPABILITY_HYBRID_TRANSPORT))) {
            return StartDecision.of(
                    phoneOnly(history),
                    DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT,
                    DecisionTag.HYBRID_TRANSPORT_POSSIBLE);
        }
        return ev.maySecurityKey(usable)
                ? StartDecision.of(
                        Action.OFFER_BUTTON,
                        DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT,
                        DecisionTag.SECURITY_KEY_POSSIBLE)
                : StartDecision.of(Action.FALLBACK, DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT);
    }

    /**
     * How a device whose passkey can only come from a phone starts, by
     * {@link AutoHealingPolicy#phoneOnlyStart()}. Repeated cross-device sign-ins here, more of them than
     * failed flows or the newest not followed by two failed flows, show that the sheet's QR code is how
     * this person signs in on this device; as with the device's own passkey, a newer success outweighs
     * older failures.
     */
    private Action phoneOnly(DeviceHistory history) {
        return switch (ev.policy().phoneOnlyStart()) {
            case BUTTON -> Action.OFFER_BUTTON;
            case ATTEMPT_AUTOMATICALLY -> Action.ATTEMPT_AUTOMATICALLY;
            case ATTEMPT_AFTER_REPEATED_CROSS_DEVICE ->
                history.crossDeviceSuccesses() >= AutoHealingPolicy.REPEATED_CROSS_DEVICE_SUCCESSES
                                && (history.crossDeviceSuccesses() > history.failedFlowsSinceSuccess()
                                        || history.failedFlowsSinceCrossDevice() < FAILED_FLOWS_FOR_NEGATIVE)
                        ? Action.ATTEMPT_AUTOMATICALLY
                        : Action.OFFER_BUTTON;
        };
    }

    /** Whether {@code at} lies within {@link AutoHealingPolicy#negativeHistoryDuration()} before {@code now}. */
    private boolean recent(@Nullable Instant at, Instant now) {
        return at != null && !at.plus(ev.policy().negativeHistoryDuration()).isBefore(now);
    }

    /** An automatic start, in immediate UI mode where the browser has it and its rate limit allows. */
    private StartDecision attempt(ClientContext client, @Nullable DeviceHistory history, DecisionTag tag) {
        if (immediatePossible(client, history, null)) {
            return StartDecision.of(Action.ATTEMPT_IMMEDIATE, tag, DecisionTag.IMMEDIATE_UI_MODE);
        }
        return StartDecision.of(Action.ATTEMPT_AUTOMATICALLY, tag);
    }

    /**
     * Where the passkey may or may not be here, immediate UI mode answers the question without a
     * prompt that is bound to fail: the browser shows its UI only when a credential is locally
     * available and otherwise rejects at once. Without it, {@code otherwise}.
     */
    private StartDecision immediateOr(
            ClientContext client, DeviceHistory history, Instant now, Action otherwise, DecisionTag... tags) {
        if (immediatePossible(client, history, now)) {
            DecisionTag[] withImmediate = Arrays.copyOf(tags, tags.length + 1);
            withImmediate[tags.length] = DecisionTag.IMMEDIATE_UI_MODE;
            return StartDecision.of(Action.ATTEMPT_IMMEDIATE, withImmediate);
        }
        return StartDecision.of(otherwise, tags);
    }

    private boolean immediatePossible(ClientContext client, @Nullable DeviceHistory history, @Nullable Instant now) {
        if (!client.supportsImmediateGet()) {
            return false;
        }
        Instant last = history == null ? null : history.lastImmediateRequest();
        return last == null || now == null || !now.isBefore(last.plus(Evidence.IMMEDIATE_RATE_WINDOW));
    }

    /**
     * The passkey evidently is not here: immediate UI mode found none (proof), or two whole flows
     * failed here (not proof, see {@link #negativeAction}), no success since, the last failure is
     * recent, and no newer passkey may have reached the device.
     * How fast the failures were does not count: some people dismiss a working passkey's prompt in
     * under a second, twice (issue #13, case 2), and timing is never the only evidence.
     */
    private boolean negative(DeviceHistory h, List<StoredCredential> usable, ClientContext client, Instant now) {
        Instant lastFailure = h.lastFailureSinceSuccess();
        if (lastFailure == null || !recent(lastFailure, now)) {
            return false;
        }
        boolean evident = h.absenceProofsSinceSuccess() > 0 || h.failedFlowsSinceSuccess() >= FAILED_FLOWS_FOR_NEGATIVE;
        return evident && ev.bestAvailability(usable, client, lastFailure) == Availability.UNLIKELY;
    }

    /**
     * Whether the user's newest passkey attempt on this device, among its last few, is a local
     * success with a usable credential (or a presence proof), with no failure after it: then the full
     * history read would decide to attempt automatically as well.
     */
    private boolean lastWordHereIsLocalSuccess(
            Bytes user, @Nullable String deviceId, List<StoredCredential> usable, Instant now) {
        if (deviceId == null) {
            return false;
        }
        Instant since = now.minus(ev.policy().historyWindow());
        int page = Math.min(FAST_PATH_PAGE, ev.policy().historyLimit());
        for (LoginAttempt a : ev.attempts.recentByDevice(deviceId, since, page)) {
            if (!user.equals(a.userHandle())) {
                continue;
            }
            AttemptOutcome o = a.outcome();
            if (o.isAuthenticationFailure() || a.crossPlatformSuccess()) {
                return false;
            }
            if (o == AttemptOutcome.ALREADY_REGISTERED) {
                return true;
            }
            if (o == AttemptOutcome.SUCCEEDED || o == AttemptOutcome.REGISTERED) {
                Bytes id = a.credentialId();
                return id != null
                        && usable.stream().anyMatch(c -> c.credentialId().equals(id));
            }
        }
        return false;
    }
}
