package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.intelligence.AccountHistory.OfferCounter;
import dev.passkeyflow.intelligence.AccountHistory.OfferRun;
import dev.passkeyflow.intelligence.CredentialInsight.Availability;
import dev.passkeyflow.intelligence.Evidence.Finding;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The offer decisions: after a traditional login, and after a passkey login from another device.
 *
 * <p>An offer is a cheap probe: its {@code excludeCredentials} lists the user's passkeys, so where one
 * of them is on the authenticator after all the browser answers {@code InvalidStateError}
 * (WebAuthn Level 3, 6.3.2 authenticatorMakeCredential step 3,
 * https://www.w3.org/TR/webauthn-3/#sctn-op-make-cred), which the flow records and later decisions
 * read as proof that the passkey is there. So a flow whose passkey prompts all failed before a good
 * password gets an after-error offer unless such a proof is recent. Offers are limited per account
 * per kind (after an error, after a hybrid login, plain ones), per account across all kinds, and per
 * device across all accounts: after {@link AutoHealingPolicy#maxConsecutiveOffers()} unanswered in a
 * row, whatever their spacing, none for {@link AutoHealingPolicy#cooldownAfterMaxOffers()} after the
 * last. A decline of one kind does not start the decline cooldown of another kind on other devices.
 */
final class OfferRules {

    private final Evidence ev;

    public OfferRules(Evidence evidence) {
        this.ev = Objects.requireNonNull(evidence, "evidence");
    }

    public HealingDecision afterFallback(HealingContext context) {
        ClientContext client = context.client();
        ClientPlatform platform = PlatformHints.platformOf(client);
        List<StoredCredential> usable = context.usableCredentials();
        Bytes user = context.user().userHandle();
        Instant now = context.now();
        boolean canCreate = client.canCreatePasskeyLocally() || !ev.policy().requireLocalCreateCapability();
        DeviceHistory history = ev.history(user, client, usable, now);
        AccountHistory account = ev.account(user, now);

        if (usable.isEmpty()) {
            FailureDiagnosis none = FailureDiagnosis.unknown();
            if (!canCreate) {
                return HealingDecision.noOffer(
                        none, platform, DecisionTag.USER_HAS_NO_PASSKEYS, DecisionTag.DEVICE_CANNOT_CREATE_PASSKEY);
            }
            DecisionTag cooldown = cooldown(history, account, OfferCounter.PLAIN, now);
            if (cooldown != null) {
                return HealingDecision.noOffer(none, platform, DecisionTag.USER_HAS_NO_PASSKEYS, cooldown);
            }
            return HealingDecision.Offer.of(
                    HealingKind.FIRST_PASSKEY, none, platform, DecisionTag.USER_HAS_NO_PASSKEYS);
        }

        Finding finding = finding(context, history, account, usable);
        FailureDiagnosis diagnosis = finding.diagnosis();
        boolean offerable = finding.passkeyAbsent() || diagnosis.cause() == FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER;
        if (!offerable) {
            DecisionTag why = diagnosis.evidence().stream().anyMatch(e -> e.startsWith("presence proven"))
                    ? DecisionTag.PASSKEY_PRESENT_ON_ENVIRONMENT
                    : DecisionTag.PASSKEY_MAY_STILL_WORK_HERE;
            return HealingDecision.noOffer(diagnosis, platform, why);
        }
        if (!canCreate) {
            return HealingDecision.noOffer(diagnosis, platform, DecisionTag.DEVICE_CANNOT_CREATE_PASSKEY);
        }
        boolean newDevice = diagnosis.cause() == FailureCause.NEW_DEVICE_WITHOUT_PASSKEY;
        HealingKind kind = newDevice && context.failuresInFlow().isEmpty()
                ? HealingKind.ADDITIONAL_PASSKEY
                : HealingKind.AFTER_ERROR;
        DecisionTag cooldown = cooldown(history, account, OfferCounter.of(kind), now);
        if (cooldown != null) {
            return HealingDecision.noOffer(diagnosis, platform, cooldown);
        }
        Set<Bytes> replaced = newDevice ? Set.of() : finding.goneFromDevice();
        CredentialStatus status = replacedStatus(diagnosis, replaced, usable, client.deviceId(), now);
        DecisionTag tag =
                newDevice ? DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT : DecisionTag.PASSKEY_GONE_FROM_ENVIRONMENT;
        return new HealingDecision.Offer(kind, diagnosis, platform, replaced, status, List.of(tag));
    }

    private Finding finding(
            HealingContext context, DeviceHistory history, AccountHistory account, List<StoredCredential> usable) {
        ClientContext client = context.client();
        Instant now = context.now();
        List<PasskeyFailure> failures = context.failuresInFlow();
        PasskeyFailure last = failures.isEmpty() ? null : failures.get(failures.size() - 1);
        if (last != null
                && last.outcome() != AttemptOutcome.CANCELLED
                && last.outcome() != AttemptOutcome.IMMEDIATE_REJECTED) {
            // Server-side, security and timeout outcomes are diagnosed from the outcome itself.
            return new FailureRules(ev).diagnose(context.user().userHandle(), usable, client, last, now, true, 0);
        }
        Instant proof = ev.presenceProof(history, account, client, now);
        if (proof != null) {
            return new Finding(
                    FailureDiagnosis.of(
                            FailureCause.USER_CANCELLED,
                            Confidence.MEDIUM,
                            "presence proven on " + proof
                                    + ": the browser refused a new passkey because one of the user's "
                                    + "is on this authenticator"),
                    false,
                    Set.of());
        }
        for (PasskeyFailure f : failures) {
            if (f.outcome() == AttemptOutcome.IMMEDIATE_REJECTED
                    && f.elapsedMillis()
                            >= ev.policy().immediateFailureThreshold().toMillis()) {
                // Immediate UI mode shows its UI only when an allowed credential is on the device: a
                // rejection that took a person's time means it was shown and dismissed in this flow.
                return new Finding(
                        FailureDiagnosis.of(
                                FailureCause.USER_CANCELLED,
                                Confidence.HIGH,
                                "presence proven in this flow: immediate UI mode showed its UI for " + f.elapsedMillis()
                                        + " ms: one of the user's passkeys is on this device"),
                        false,
                        Set.of());
            }
        }
        boolean proven = failures.stream()
                .anyMatch(f -> f.outcome() == AttemptOutcome.IMMEDIATE_REJECTED
                        && f.elapsedMillis() >= 0
                        && f.elapsedMillis()
                                < ev.policy().immediateFailureThreshold().toMillis());
        int fast = (int) failures.stream()
                .filter(f -> f.isCancelLike()
                        && f.elapsedMillis() >= 0
                        && f.elapsedMillis()
                                < ev.policy().immediateFailureThreshold().toMillis())
                .count();
        if (context.fallbackReason() == FallbackReason.PASSKEY_FAILED && !failures.isEmpty()) {
            // Every prompt of this flow failed, then the password was right: the passkey may be gone or
            // may have been dismissed. The offer resolves it.
            Finding hypothesis = ev.absenceHypothesis(history, usable, client, now, fast, proven, null);
            boolean offer = switch (ev.policy().unprovenFailureOffer()) {
                case AT_FIRST_FALLBACK -> true;
                // Failed prompts recorded on this device since its last success beyond this flow's own.
                case AFTER_REPEATED_FAILURE ->
                    proven || hypothesis.passkeyAbsent() || history.failuresSinceSuccess() > failures.size();
                case NEVER -> proven || hypothesis.passkeyAbsent();
            };
            return new Finding(hypothesis.diagnosis(), offer, hypothesis.goneFromDevice());
        }
        return onThisDevice(context, history, usable, client, now, proven);
    }

    /** No failed prompt explains the fallback: what this device's history says about the user's passkeys here. */
    private Finding onThisDevice(
            HealingContext context,
            DeviceHistory history,
            List<StoredCredential> usable,
            ClientContext client,
            Instant now,
            boolean proven) {
        if (!history.deviceKnown()) {
            return new Finding(context.lastDiagnosis(), false, Set.of());
        }
        if (history.positiveHere()) {
            if (context.failuresInFlow().isEmpty() && history.failedFlowsSinceSuccess() >= 1) {
                // The start did not prompt here (the fallback, or a button the person passed by)
                // because earlier flows failed: heal now.
                Finding hypothesis = ev.absenceHypothesis(
                        history,
                        usable,
                        client,
                        now,
                        history.fastFailuresSinceSuccess(),
                        history.absenceProofsSinceSuccess() > 0,
                        null);
                if (ev.bestAvailability(usable, client, history.lastFailureSinceSuccess()) == Availability.UNLIKELY) {
                    return new Finding(hypothesis.diagnosis(), true, hypothesis.goneFromDevice());
                }
            }
            return new Finding(context.lastDiagnosis(), false, Set.of());
        }
        Availability best = ev.bestAvailability(usable, client, null);
        if (best == Availability.UNLIKELY) {
            return new Finding(
                    new FailureDiagnosis(
                            FailureCause.NEW_DEVICE_WITHOUT_PASSKEY,
                            proven ? Confidence.HIGH : Confidence.MEDIUM,
                            List.of(
                                    Evidence.NEVER_LOCAL_HERE,
                                    "none of the user's " + usable.size() + " passkeys is likely on a "
                                            + PlatformHints.platformOf(client).storedName() + " device")),
                    true,
                    Set.of());
        }
        if (best == Availability.UNCERTAIN
                && (proven || context.fallbackReason() == FallbackReason.USER_CHOSE_FALLBACK)) {
            return new Finding(
                    new FailureDiagnosis(
                            FailureCause.NEW_DEVICE_WITHOUT_PASSKEY,
                            proven ? Confidence.HIGH : Confidence.LOW,
                            List.of(
                                    Evidence.NEVER_LOCAL_HERE,
                                    proven
                                            ? "immediate UI mode found no passkey here"
                                            : "the user chose the traditional login without trying a passkey here",
                                    "the user's passkeys are of providers that may or may not be on this device")),
                    true,
                    Set.of());
        }
        return new Finding(FailureDiagnosis.unknown(), false, Set.of());
    }

    /** After a passkey login through a phone (hybrid) on a client that can create a passkey: a local one. */
    public HealingDecision afterCrossDeviceSuccess(PasskeySuccessContext context) {
        ClientContext client = context.client();
        ClientPlatform platform = PlatformHints.platformOf(client);
        StoredCredential used = context.credential();
        FailureDiagnosis diagnosis = FailureDiagnosis.of(
                FailureCause.NEW_DEVICE_WITHOUT_PASSKEY,
                Confidence.MEDIUM,
                "signed in with a passkey from another device (authenticatorAttachment cross-platform)");
        if (used != null && CredentialInsight.of(used, ev.providers).kind() == ProviderKind.HARDWARE_SECURITY_KEY) {
            return HealingDecision.noOffer(FailureDiagnosis.unknown(), platform, DecisionTag.SECURITY_KEY_USED);
        }
        if (!client.canCreatePasskeyLocally() && ev.policy().requireLocalCreateCapability()) {
            return HealingDecision.noOffer(diagnosis, platform, DecisionTag.DEVICE_CANNOT_CREATE_PASSKEY);
        }
        List<StoredCredential> usable = context.credentials().stream()
                .filter(c -> c.status().acceptsLogin())
                .toList();
        Bytes user = context.user().userHandle();
        DeviceHistory history = ev.history(user, client, usable, context.now());
        AccountHistory account = ev.account(user, context.now());
        if (history.positiveHere() || ev.presenceProof(history, account, client, context.now()) != null) {
            return HealingDecision.noOffer(diagnosis, platform, DecisionTag.PASSKEY_PRESENT_ON_ENVIRONMENT);
        }
        DecisionTag cooldown = cooldown(history, account, OfferCounter.AFTER_HYBRID, context.now());
        if (cooldown != null) {
            return HealingDecision.noOffer(diagnosis, platform, cooldown);
        }
        return HealingDecision.Offer.of(
                HealingKind.AFTER_HYBRID,
                diagnosis,
                platform,
                DecisionTag.AFTER_HYBRID,
                DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT);
    }

    private CredentialStatus replacedStatus(
            FailureDiagnosis diagnosis,
            Set<Bytes> replaced,
            List<StoredCredential> usable,
            @Nullable String deviceId,
            Instant now) {
        if (ev.policy().replacedCredentialHandling() != AutoHealingPolicy.ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN
                || diagnosis.cause() != FailureCause.PASSKEY_DELETED_LOCALLY
                || diagnosis.confidence() != Confidence.HIGH
                || replaced.isEmpty()) {
            return CredentialStatus.SUSPECTED_BROKEN;
        }
        Instant since = now.minus(ev.policy().retireOnlyIfUnusedElsewhereFor());
        int examined = 0;
        for (Bytes id : replaced) {
            if (++examined > Evidence.MAX_CREDENTIALS_EXAMINED) {
                return CredentialStatus.SUSPECTED_BROKEN;
            }
            StoredCredential credential = Evidence.find(usable, id);
            if (credential == null || ev.otherDeviceSuccess(credential, deviceId, since, now) != null) {
                return CredentialStatus.SUSPECTED_BROKEN;
            }
        }
        return CredentialStatus.RETIRED;
    }

    /**
     * Why no offer of this counter may be made now, or {@code null}: a decline or a cancelled dialog
     * on this device, a decline of the same counter anywhere on the account (not for after-error
     * offers), or the long pause after too many unanswered offers of the counter, of the account or
     * of the device in a row.
     */
    private @Nullable DecisionTag cooldown(
            DeviceHistory history, AccountHistory account, OfferCounter counter, Instant now) {
        AutoHealingPolicy p = ev.policy();
        Instant decline = history.lastDecline();
        if (decline != null && now.isBefore(decline.plus(p.cooldownAfterDecline()))) {
            return DecisionTag.DECLINED_RECENTLY;
        }
        Instant cancel = history.lastCreationCancel();
        if (cancel != null && now.isBefore(cancel.plus(p.cooldownAfterCancelledCreation()))) {
            return DecisionTag.CREATION_CANCELLED_RECENTLY;
        }
        OfferRun run = account.run(counter);
        // A "not now" elsewhere on the account holds off offers of the same counter here too, except the
        // after-error offer: it repairs this device's sign-in, which the other answer was not about. The
        // account's pause after too many unanswered offers in a row still holds for it.
        if (counter != OfferCounter.AFTER_ERROR
                && run.newestDecline() != null
                && now.isBefore(run.newestDecline().plus(p.cooldownAfterDecline()))) {
            return DecisionTag.DECLINED_RECENTLY;
        }
        if (paused(run, now)) {
            return DecisionTag.OFFER_LIMIT_REACHED;
        }
        // The limit holds per account and per device as well, whatever the kinds: the person is asked
        // again either way.
        if (paused(account.accountRun(), now)) {
            return DecisionTag.OFFER_LIMIT_REACHED_FOR_ACCOUNT;
        }
        Instant deviceNewest = history.newestUnansweredOffer();
        if (history.unansweredOffersInRow() >= p.maxConsecutiveOffers()
                && deviceNewest != null
                && now.isBefore(deviceNewest.plus(p.cooldownAfterMaxOffers()))) {
            return DecisionTag.OFFER_LIMIT_REACHED_ON_ENVIRONMENT;
        }
        return null;
    }

    private boolean paused(OfferRun run, Instant now) {
        Instant newest = run.newestUnanswered();
        return run.unanswered() >= ev.policy().maxConsecutiveOffers()
                && newest != null
                && now.isBefore(newest.plus(ev.policy().cooldownAfterMaxOffers()));
    }
}
