package dev.passkeyflow.intelligence;

import dev.passkeyflow.intelligence.CredentialInsight.Availability;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.advisor.StartDecision.Action;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.ArrayList;
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

    private final Evidence ev;

    public StartRules(Evidence evidence) {
        this.ev = Objects.requireNonNull(evidence, "evidence");
    }

    public StartDecision decide(StartContext context) {
        if (context.user() == null || context.usableCredentials().isEmpty()) {
            return StartDecision.of(Action.FALLBACK, "user-has-no-passkeys");
        }
        ClientContext client = context.client();
        List<StoredCredential> usable = context.usableCredentials();
        if (client.reportsNoAuthenticatorAtAll()) {
            // getClientCapabilities() speaks of platform authenticators and hybrid only; a USB or NFC
            // security key still works on such a computer.
            return ev.maySecurityKey(usable)
                    ? StartDecision.of(Action.OFFER_BUTTON, "no-passkey-support-in-environment", "security-key-possible")
                    : StartDecision.of(Action.FALLBACK, "no-passkey-support-in-environment");
        }
        Bytes user = Objects.requireNonNull(context.user()).userHandle();
        Instant now = context.now();
        if (lastWordHereIsLocalSuccess(user, client.deviceId(), usable, now)) {
            return attempt(client, null, "positive-history-on-environment");
        }
        DeviceHistory history = ev.history(user, client, usable, now);
        if (history.deviceKnown() && ev.policy().skipAutoStartOnNegativeHistory()
                && negative(history, usable, client, now)) {
            return immediateOr(client, history, now, Action.FALLBACK, "negative-history-on-environment");
        }
        if (history.deviceKnown() && ev.policy().skipAutoStartOnNegativeHistory()
                && history.failedFlowsSinceSuccess() >= 1 && recent(history.lastFailureSinceSuccess(), now)) {
            return immediateOr(client, history, now, Action.OFFER_BUTTON, "uncertain-history-on-environment");
        }
        if (history.positiveHere()) {
            return attempt(client, history, "positive-history-on-environment");
        }
        AccountHistory account = ev.account(user, now);
        if (ev.presenceProof(history, account, client, now) != null) {
            return attempt(client, history, "positive-history-on-platform");
        }
        Availability best = ev.bestAvailability(usable, client, null);
        if (best == Availability.LIKELY) {
            return attempt(client, history, "high-confidence-platform-passkey");
        }
        if (best == Availability.UNCERTAIN) {
            return immediateOr(client, history, now, Action.OFFER_BUTTON, "passkey-availability-uncertain");
        }
        if (!Boolean.FALSE.equals(client.capability(ClientContext.CAPABILITY_HYBRID_TRANSPORT))) {
            return StartDecision.of(Action.OFFER_BUTTON, "user-has-none-on-environment", "hybrid-transport-possible");
        }
        return ev.maySecurityKey(usable)
                ? StartDecision.of(Action.OFFER_BUTTON, "user-has-none-on-environment", "security-key-possible")
                : StartDecision.of(Action.FALLBACK, "user-has-none-on-environment");
    }

    private boolean recent(@Nullable Instant lastFailure, Instant now) {
        return lastFailure != null && !lastFailure.plus(ev.policy().negativeHistoryDuration()).isBefore(now);
    }

    /** An automatic start, in immediate UI mode where the browser has it and its rate limit allows. */
    private StartDecision attempt(ClientContext client, @Nullable DeviceHistory history, String tag) {
        if (immediatePossible(client, history, null)) {
            return StartDecision.of(Action.ATTEMPT_IMMEDIATE, tag, "immediate-ui-mode");
        }
        return StartDecision.of(Action.ATTEMPT_AUTOMATICALLY, tag);
    }

    /**
     * Where the passkey may or may not be here, immediate UI mode answers the question without a
     * prompt that is bound to fail: the browser shows its UI only when a credential is locally
     * available and otherwise rejects at once. Without it, {@code otherwise}.
     */
    private StartDecision immediateOr(ClientContext client, DeviceHistory history, Instant now, Action otherwise,
            String tag) {
        if (immediatePossible(client, history, now)) {
            return StartDecision.of(Action.ATTEMPT_IMMEDIATE, tag, "immediate-ui-mode");
        }
        return StartDecision.of(otherwise, tag);
    }

    private boolean immediatePossible(ClientContext client, @Nullable DeviceHistory history, @Nullable Instant now) {
        if (!client.supportsImmediateGet()) {
            return false;
        }
        Instant last = history == null ? null : history.lastImmediateRequest();
        return last == null || now == null || !now.isBefore(last.plus(Evidence.IMMEDIATE_RATE_WINDOW));
    }

    /**
     * The passkey evidently is not here: immediate UI mode found none, or two whole flows failed here
     * (or one, with failures fast enough to raise the confidence), no success or presence proof
     * since, the last failure is recent, and no newer passkey may have reached the device.
     */
    private boolean negative(DeviceHistory h, List<StoredCredential> usable, ClientContext client, Instant now) {
        Instant lastFailure = h.lastFailureSinceSuccess();
        if (lastFailure == null || lastFailure.plus(ev.policy().negativeHistoryDuration()).isBefore(now)) {
            return false;
        }
        boolean evident = h.absenceProofsSinceSuccess() > 0 || h.failedFlowsSinceSuccess() >= 2
                || (h.failedFlowsSinceSuccess() >= 1 && h.fastFailuresSinceSuccess() >= 2);
        return evident && ev.bestAvailability(usable, client, lastFailure) == Availability.UNLIKELY;
    }

    /**
     * Whether the user's newest passkey attempt on this device, among its last few, is a local
     * success with a usable credential (or a presence proof), with no failure after it: then the full
     * history read would decide to attempt automatically as well.
     */
    private boolean lastWordHereIsLocalSuccess(Bytes user, @Nullable String deviceId, List<StoredCredential> usable,
            Instant now) {
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
                return id != null && usable.stream().anyMatch(c -> c.credentialId().equals(id));
            }
        }
        return false;
    }

    static List<String> tags(String... tags) {
        return new ArrayList<>(List.of(tags));
    }
}
