package dev.passkeyflow.intelligence.internal;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LastLoginHint;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.intelligence.PlatformHints;
import dev.passkeyflow.intelligence.ProviderKind;
import dev.passkeyflow.intelligence.internal.CredentialInsight.Availability;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules of Passkey Intelligence. Every decision reads at most one device window, one user
 * window and a few credential windows, each bounded by the policy's history window and limit.
 */
public final class Judge {

    /** The most credentials whose history one decision reads. */
    static final int MAX_CREDENTIALS_EXAMINED = 3;

    private final CredentialRepository credentials;
    private final LoginAttemptRepository attempts;
    private final AutoHealingPolicy policy;
    private final PasskeyProviders providers;

    public Judge(CredentialRepository credentials, LoginAttemptRepository attempts, AutoHealingPolicy policy,
            PasskeyProviders providers) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    // ------------------------------------------------------------------ start

    public StartDecision onStart(StartContext context) {
        if (context.user() == null || context.usableCredentials().isEmpty()) {
            return StartDecision.of(StartDecision.Action.FALLBACK, "user-has-no-passkeys");
        }
        ClientContext client = context.client();
        if (client.reportsNoAuthenticatorAtAll()) {
            return StartDecision.of(StartDecision.Action.FALLBACK, "no-passkey-support-in-environment");
        }
        List<StoredCredential> usable = context.usableCredentials();
        Bytes user = Objects.requireNonNull(context.user()).userHandle();
        if (lastWordHereIsSuccess(user, client.deviceId(), usable, context.now())) {
            return StartDecision.of(StartDecision.Action.ATTEMPT_AUTOMATICALLY, "positive-history-on-environment");
        }
        ClientPlatform platform = PlatformHints.platformOf(client);
        DeviceHistory history = history(user, client, usable, context.now());

        if (history.deviceKnown() && policy.skipAutoStartOnNegativeHistory()
                && negative(history, usable, platform, context.now())) {
            return StartDecision.of(StartDecision.Action.FALLBACK, "negative-history-on-environment");
        }
        if (history.deviceKnown() && uncertainHistory(history)) {
            return StartDecision.of(StartDecision.Action.OFFER_BUTTON, "uncertain-history-on-environment");
        }
        if (history.positiveHere()) {
            return StartDecision.of(StartDecision.Action.ATTEMPT_AUTOMATICALLY, "positive-history-on-environment");
        }
        Availability best = bestAvailability(usable, platform, null);
        if (best == Availability.LIKELY) {
            return StartDecision.of(StartDecision.Action.ATTEMPT_AUTOMATICALLY, "high-confidence-platform-passkey");
        }
        if (best == Availability.UNCERTAIN) {
            return StartDecision.of(StartDecision.Action.OFFER_BUTTON, "passkey-availability-uncertain");
        }
        if (!Boolean.FALSE.equals(client.capability(ClientContext.CAPABILITY_HYBRID_TRANSPORT))) {
            return StartDecision.of(StartDecision.Action.OFFER_BUTTON, "user-has-none-on-environment",
                    "hybrid-transport-possible");
        }
        return StartDecision.of(StartDecision.Action.FALLBACK, "user-has-none-on-environment");
    }

    /** How many of a device's newest attempts the start decision's fast path reads. */
    static final int FAST_PATH_PAGE = 8;

    /**
     * Whether the user's newest passkey attempt on this device, among its last few attempts, is a
     * success with a usable credential, with no failure after it. Then the full history read would
     * find no failure since the last success (so no negative or uncertain history) and a passkey
     * used here, and decide to attempt automatically: reading only a short page keeps the common
     * case's cost independent of how much history the device has.
     */
    private boolean lastWordHereIsSuccess(Bytes user, @Nullable String deviceId, List<StoredCredential> usable,
            Instant now) {
        if (deviceId == null) {
            return false;
        }
        Instant since = now.minus(policy.historyWindow());
        for (LoginAttempt a : attempts.recentByDevice(deviceId, since, Math.min(FAST_PATH_PAGE, policy.historyLimit()))) {
            if (!user.equals(a.userHandle())) {
                continue;
            }
            AttemptOutcome o = a.outcome();
            if (o.isAuthenticationFailure()) {
                return false;
            }
            boolean success = o == AttemptOutcome.SUCCEEDED || o == AttemptOutcome.REGISTERED
                    || o == AttemptOutcome.ALREADY_REGISTERED;
            if (success) {
                Bytes id = a.credentialId();
                return id != null && usable.stream().anyMatch(c -> c.credentialId().equals(id));
            }
        }
        return false;
    }

    /**
     * The device failed with the user's passkeys, at least once immediately (no credential), has
     * not succeeded since, the last failure is recent, and no newer passkey may have reached it.
     */
    private boolean negative(DeviceHistory h, List<StoredCredential> usable, ClientPlatform platform, Instant now) {
        Instant lastFailure = h.lastFailureSinceSuccess();
        if (lastFailure == null || h.fastFailuresSinceSuccess() == 0) {
            return false;
        }
        if (lastFailure.plus(policy.negativeHistoryDuration()).isBefore(now)) {
            return false;
        }
        return bestAvailability(usable, platform, lastFailure) == Availability.UNLIKELY;
    }

    /**
     * At least two whole flows failed here with slow (cancel-like) errors only, and no success
     * since: the passkey may be gone although the browser never said so quickly. One such flow is a
     * plain double cancel far more often.
     */
    private boolean uncertainHistory(DeviceHistory h) {
        return h.fastFailuresSinceSuccess() == 0 && h.fallbacksSinceSuccess() >= 2
                && h.failuresSinceSuccess() >= 2 * policy.failuresBeforeFallback();
    }

    /**
     * The best availability of the usable credentials on a device without history of them.
     *
     * @param createdAfter only credentials created after this instant count, if given
     */
    private Availability bestAvailability(List<StoredCredential> usable, ClientPlatform platform,
            @Nullable Instant createdAfter) {
        Availability best = Availability.UNLIKELY;
        for (StoredCredential c : usable) {
            if (createdAfter != null && !c.createdAt().isAfter(createdAfter)) {
                continue;
            }
            Availability a = CredentialInsight.of(c, providers).availabilityOn(platform);
            if (a == Availability.LIKELY) {
                return a;
            }
            if (a == Availability.UNCERTAIN) {
                best = a;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ failure

    public FailureDecision onPasskeyFailure(FailureContext context) {
        PasskeyFailure failure = context.failure();
        List<StoredCredential> usable = context.credentials().stream().filter(c -> c.status().acceptsLogin())
                .toList();
        Finding finding = diagnoseFailure(context.user().userHandle(), usable, context.client(), failure,
                context.now());
        FailureDiagnosis diagnosis = finding.diagnosis();
        boolean fallBack = failure.outcome().isServerSide()
                || diagnosis.cause() == FailureCause.RP_MISCONFIGURATION
                || (finding.passkeyAbsent() && policy.fallBackAtOnceWhenPasskeyAbsent())
                || countedFailures(context) >= policy.failuresBeforeFallback();
        return new FailureDecision(fallBack ? FailureDecision.Action.FALLBACK : FailureDecision.Action.RETRY,
                diagnosis);
    }

    private int countedFailures(FailureContext context) {
        int consecutive = context.consecutiveFailures();
        if (!policy.firstCancelCounts()) {
            List<PasskeyFailure> run = context.failuresInFlow();
            int start = Math.max(0, run.size() - consecutive);
            if (start < run.size() && run.get(start).isCancelLike()) {
                consecutive--;
            }
        }
        return consecutive;
    }

    /**
     * A diagnosis and whether the evidence shows that no passkey of the user is on this device
     * (which may be certain even when the cause is not, e.g. gone here but which provider is unclear).
     */
    record Finding(FailureDiagnosis diagnosis, boolean passkeyAbsent, Set<Bytes> goneFromDevice) {
    }

    Finding diagnoseFailure(Bytes user, List<StoredCredential> usable, ClientContext client, PasskeyFailure failure,
            Instant now) {
        long elapsed = failure.elapsedMillis();
        String errorName = failure.clientErrorName() == null ? "an error" : failure.clientErrorName();
        switch (failure.outcome()) {
            case UNKNOWN_CREDENTIAL:
                return new Finding(FailureDiagnosis.of(FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER, Confidence.HIGH,
                        "the authenticator presented a credential id the server does not know"), false, Set.of());
            case CREDENTIAL_RETIRED:
                return new Finding(FailureDiagnosis.of(FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER, Confidence.MEDIUM,
                        "the authenticator presented a retired credential"), false, Set.of());
            case SECURITY_ERROR:
                return new Finding(FailureDiagnosis.of(FailureCause.RP_MISCONFIGURATION, Confidence.HIGH,
                        "browser reported SecurityError: the RP id does not fit the origin"), false, Set.of());
            case TIMED_OUT:
                return new Finding(FailureDiagnosis.of(FailureCause.TIMED_OUT, Confidence.HIGH,
                        "the ceremony timed out after " + elapsed + " ms"), false, Set.of());
            case CLIENT_ERROR:
                return new Finding(FailureDiagnosis.of(FailureCause.UNKNOWN, Confidence.LOW,
                        "browser reported " + errorName), false, Set.of());
            case CANCELLED:
                break;
            default:
                return new Finding(FailureDiagnosis.of(FailureCause.VERIFICATION_FAILED, Confidence.HIGH,
                        "the server rejected the response: " + failure.outcome()), false, Set.of());
        }
        if (elapsed >= policy.timeoutLikeThreshold().toMillis()) {
            return new Finding(FailureDiagnosis.of(FailureCause.TIMED_OUT, Confidence.MEDIUM,
                    "browser reported " + errorName + " after " + elapsed + " ms, as after a timeout"), false,
                    Set.of());
        }
        boolean fast = isFast(elapsed);
        String timing = fast
                ? "browser reported " + errorName + " within " + elapsed + " ms, as when no credential is present"
                : "browser reported " + errorName + (elapsed >= 0 ? " after " + elapsed + " ms" : "")
                        + ", as when a person dismisses the dialog";
        if (client.deviceId() == null) {
            return fast
                    ? new Finding(FailureDiagnosis.of(FailureCause.PASSKEY_DELETED_LOCALLY, Confidence.LOW, timing,
                            "no device id: this device's history is unknown"), false, Set.of())
                    : new Finding(FailureDiagnosis.of(FailureCause.USER_CANCELLED, Confidence.LOW, timing,
                            "no device id: this device's history is unknown"), false, Set.of());
        }
        DeviceHistory history = history(user, client, usable, now);
        return fromHistory(history, usable, client, now, fast ? 1 : 0, timing);
    }

    private boolean isFast(long elapsedMillis) {
        return elapsedMillis >= 0 && elapsedMillis < policy.immediateFailureThreshold().toMillis();
    }

    /**
     * The diagnosis the device history supports.
     *
     * @param extraFast immediate failures not yet recorded (the failure being decided)
     * @param timing evidence about the current failure's timing, or {@code null} if there is none
     */
    private Finding fromHistory(DeviceHistory h, List<StoredCredential> usable, ClientContext client, Instant now,
            int extraFast, @Nullable String timing) {
        int fastCount = h.fastFailuresSinceSuccess() + extraFast;
        ClientPlatform platform = PlatformHints.platformOf(client);
        List<String> evidence = new ArrayList<>();
        if (timing != null) {
            evidence.add(timing);
        }
        if (!h.positiveHere()) {
            evidence.add("this device never completed a passkey login of this user");
            Availability best = bestAvailability(usable, platform, null);
            if (fastCount > 0) {
                evidence.add(fastCount + " immediate failure(s) on this device");
                return new Finding(new FailureDiagnosis(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY, Confidence.MEDIUM,
                        evidence), true, Set.of());
            }
            if (best == Availability.UNLIKELY) {
                evidence.add("none of the user's " + usable.size() + " passkeys is likely on a "
                        + platform.storedName() + " device");
                return new Finding(new FailureDiagnosis(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY, Confidence.LOW,
                        evidence), false, Set.of());
            }
            return new Finding(new FailureDiagnosis(FailureCause.USER_CANCELLED, Confidence.LOW, evidence), false,
                    Set.of());
        }
        Map.Entry<Bytes, Instant> newest = h.usedHere().entrySet().iterator().next();
        Bytes credentialId = newest.getKey();
        Instant usedAt = newest.getValue();
        evidence.add("this device used passkey " + abbreviate(credentialId) + " successfully on " + day(usedAt));
        if (fastCount == 0) {
            return new Finding(new FailureDiagnosis(FailureCause.USER_CANCELLED, Confidence.MEDIUM, evidence), false,
                    Set.of());
        }
        evidence.add(fastCount + " immediate failure(s) here since, and no success");
        Set<Bytes> gone = new LinkedHashSet<>(h.usedHere().keySet());
        StoredCredential credential = find(usable, credentialId);
        CredentialInsight insight = credential == null ? null : CredentialInsight.of(credential, providers);
        Instant otherUse = credential == null ? null : otherDeviceSuccess(credential, h.deviceId(), usedAt, now);
        if (otherUse == null) {
            evidence.add("no other device used it since");
            Confidence confidence = fastCount >= 2 ? Confidence.HIGH : Confidence.MEDIUM;
            return new Finding(new FailureDiagnosis(FailureCause.PASSKEY_DELETED_LOCALLY, confidence, evidence), true,
                    gone);
        }
        Objects.requireNonNull(insight);
        evidence.add("it still succeeded on another device on " + day(otherUse));
        evidence.add("provider: " + insight.providerName());
        Instant firstFailure = h.firstFailureSinceSuccess();
        boolean afterFailure = firstFailure != null && otherUse.isAfter(firstFailure);
        Confidence confidence = afterFailure ? Confidence.HIGH : Confidence.MEDIUM;
        if (!insight.fromAaguid()) {
            confidence = confidence == Confidence.HIGH ? Confidence.MEDIUM : Confidence.LOW;
        }
        FailureCause cause = switch (insight.kind()) {
            case PLATFORM_SYNCED -> FailureCause.DIFFERENT_CLOUD_ACCOUNT;
            case THIRD_PARTY_PASSWORD_MANAGER -> FailureCause.PASSWORD_MANAGER_UNAVAILABLE;
            case HARDWARE_SECURITY_KEY -> FailureCause.UNKNOWN;
            case DEVICE_BOUND_PLATFORM, UNKNOWN -> FailureCause.PASSKEY_DELETED_LOCALLY;
        };
        if (insight.kind() == ProviderKind.HARDWARE_SECURITY_KEY || insight.kind() == ProviderKind.DEVICE_BOUND_PLATFORM
                || insight.kind() == ProviderKind.UNKNOWN) {
            confidence = Confidence.LOW;
        }
        return new Finding(new FailureDiagnosis(cause, confidence, evidence), true, gone);
    }

    /** The latest success of a credential on a device other than {@code deviceId} after {@code after}. */
    private @Nullable Instant otherDeviceSuccess(StoredCredential credential, @Nullable String deviceId,
            Instant after, Instant now) {
        Instant latest = null;
        ClientInfo lastOn = credential.lastUsedOn();
        Instant lastAt = credential.lastUsedAt();
        if (lastOn != null && lastAt != null && lastOn.deviceId() != null && !lastOn.deviceId().equals(deviceId)
                && lastAt.isAfter(after)) {
            latest = lastAt;
        }
        Instant since = later(after, now.minus(policy.historyWindow()));
        for (LoginAttempt a : attempts.recentByCredential(credential.credentialId(), since, policy.historyLimit())) {
            if (a.outcome() == AttemptOutcome.SUCCEEDED && a.deviceId() != null && !a.deviceId().equals(deviceId)
                    && a.at().isAfter(after)) {
                if (latest == null || a.at().isAfter(latest)) {
                    latest = a.at();
                }
                break;
            }
        }
        return latest;
    }

    // ------------------------------------------------------------------ healing

    public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
        ClientContext client = context.client();
        ClientPlatform platform = PlatformHints.platformOf(client);
        List<StoredCredential> usable = context.usableCredentials();
        Bytes user = context.user().userHandle();
        boolean canCreate = client.canCreatePasskeyLocally() || !policy.requireLocalCreateCapability();
        DeviceHistory history = history(user, client, usable, context.now());

        if (usable.isEmpty()) {
            FailureDiagnosis none = FailureDiagnosis.unknown();
            if (!canCreate) {
                return HealingDecision.noOffer(none, platform, "user-has-no-passkeys", "device-cannot-create-passkey");
            }
            String cooldown = cooldown(user, history, context.now());
            if (cooldown != null) {
                return HealingDecision.noOffer(none, platform, "user-has-no-passkeys", cooldown);
            }
            return new HealingDecision(HealingKind.FIRST_PASSKEY, none, platform, Set.of(),
                    CredentialStatus.SUSPECTED_BROKEN, List.of("user-has-no-passkeys"));
        }

        Finding finding = healingFinding(context, history, usable, platform);
        FailureDiagnosis diagnosis = finding.diagnosis();
        boolean offerable = finding.passkeyAbsent()
                || diagnosis.cause() == FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER;
        if (!offerable) {
            return HealingDecision.noOffer(diagnosis, platform, "passkey-may-still-work-here");
        }
        if (!canCreate) {
            return HealingDecision.noOffer(diagnosis, platform, "device-cannot-create-passkey");
        }
        String cooldown = cooldown(user, history, context.now());
        if (cooldown != null) {
            return HealingDecision.noOffer(diagnosis, platform, cooldown);
        }
        boolean newDevice = diagnosis.cause() == FailureCause.NEW_DEVICE_WITHOUT_PASSKEY;
        HealingKind kind = newDevice && context.failuresInFlow().isEmpty() ? HealingKind.ADDITIONAL_PASSKEY
                : HealingKind.AFTER_ERROR;
        Set<Bytes> replaced = newDevice ? Set.of() : finding.goneFromDevice();
        CredentialStatus status = replacedStatus(diagnosis, replaced, usable, client.deviceId(), context.now());
        List<String> tags = new ArrayList<>();
        tags.add(newDevice ? "user-has-none-on-environment" : "passkey-gone-from-environment");
        tags.add("cause-" + diagnosis.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        return new HealingDecision(kind, diagnosis, platform, replaced, status, tags);
    }

    private Finding healingFinding(HealingContext context, DeviceHistory history, List<StoredCredential> usable,
            ClientPlatform platform) {
        List<PasskeyFailure> failures = context.failuresInFlow();
        if (!failures.isEmpty()) {
            PasskeyFailure last = failures.get(failures.size() - 1);
            if (last.outcome() != AttemptOutcome.CANCELLED) {
                // Server-side, security and timeout outcomes are diagnosed from the outcome itself.
                return diagnoseFailure(context.user().userHandle(), usable, context.client(), last, context.now());
            }
        }
        if (!history.deviceKnown()) {
            return new Finding(context.lastDiagnosis(), false, Set.of());
        }
        if (failures.isEmpty() && !history.positiveHere() && history.failuresSinceSuccess() == 0) {
            // No passkey was tried in this flow: judge from where the user's passkeys can be.
            Availability best = bestAvailability(usable, platform, null);
            if (best == Availability.UNLIKELY) {
                return new Finding(new FailureDiagnosis(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY, Confidence.MEDIUM,
                        List.of("this device never completed a passkey login of this user",
                                "none of the user's " + usable.size() + " passkeys is likely on a "
                                        + platform.storedName() + " device")), true, Set.of());
            }
            if (best == Availability.UNCERTAIN && context.fallbackReason() == FallbackReason.USER_CHOSE_FALLBACK) {
                // The passkeys may or may not be here (a password manager, a security key): the user
                // was offered a passkey login and chose the password without trying it. Nobody
                // cancelled a prompt, and this device never used a passkey of this user, so this is
                // no "mere cancel where the passkey works".
                return new Finding(new FailureDiagnosis(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY, Confidence.LOW,
                        List.of("this device never completed a passkey login of this user",
                                "the user chose the traditional login without trying a passkey here",
                                "the user's passkeys are of providers that may or may not be on a "
                                        + platform.storedName() + " device")), true, Set.of());
            }
            return new Finding(FailureDiagnosis.unknown(), false, Set.of());
        }
        if (failures.isEmpty() && bestAvailability(usable, platform, history.lastFailureSinceSuccess())
                != Availability.UNLIKELY) {
            // A passkey created after the failures here may have synced to this device.
            return new Finding(FailureDiagnosis.of(FailureCause.UNKNOWN, Confidence.LOW,
                    "a passkey created since the failures here may be available"), false, Set.of());
        }
        return fromHistory(history, usable, context.client(), context.now(), 0, null);
    }

    private CredentialStatus replacedStatus(FailureDiagnosis diagnosis, Set<Bytes> replaced,
            List<StoredCredential> usable, @Nullable String deviceId, Instant now) {
        if (policy.replacedCredentialHandling() != AutoHealingPolicy.ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN
                || diagnosis.cause() != FailureCause.PASSKEY_DELETED_LOCALLY
                || diagnosis.confidence() != Confidence.HIGH || replaced.isEmpty()) {
            return CredentialStatus.SUSPECTED_BROKEN;
        }
        Instant since = now.minus(policy.retireOnlyIfUnusedElsewhereFor());
        int examined = 0;
        for (Bytes id : replaced) {
            if (++examined > MAX_CREDENTIALS_EXAMINED) {
                return CredentialStatus.SUSPECTED_BROKEN;
            }
            StoredCredential credential = find(usable, id);
            if (credential == null || otherDeviceSuccess(credential, deviceId, since, now) != null) {
                return CredentialStatus.SUSPECTED_BROKEN;
            }
        }
        return CredentialStatus.RETIRED;
    }

    /**
     * Why no offer may be made now, or {@code null}. Reads one bounded window of the user's history
     * (declines and cancels are per device; the consecutive-offer limit is per user).
     */
    private @Nullable String cooldown(Bytes user, DeviceHistory history, Instant now) {
        Instant decline = history.lastDecline();
        if (decline != null && now.isBefore(decline.plus(policy.cooldownAfterDecline()))) {
            return "declined-recently";
        }
        Instant cancel = history.lastCreationCancel();
        if (cancel != null && now.isBefore(cancel.plus(policy.cooldownAfterCancelledCreation()))) {
            return "creation-cancelled-recently";
        }
        Duration longest = max(policy.cooldownAfterMaxOffers(), max(policy.cooldownAfterDecline(),
                policy.cooldownAfterCancelledCreation()));
        int unanswered = 0;
        Instant newestUnanswered = null;
        for (LoginAttempt a : attempts.recentByUser(user, now.minus(longest), policy.historyLimit())) {
            AttemptOutcome o = a.outcome();
            if (o == AttemptOutcome.REGISTERED || o == AttemptOutcome.ALREADY_REGISTERED) {
                break;
            }
            if (o == AttemptOutcome.REGISTRATION_DECLINED || o == AttemptOutcome.REGISTRATION_CANCELLED) {
                if (newestUnanswered == null) {
                    newestUnanswered = a.at();
                }
                if (history.deviceId() == null && o == AttemptOutcome.REGISTRATION_DECLINED
                        && now.isBefore(a.at().plus(policy.cooldownAfterDecline()))) {
                    return "declined-recently";
                }
                unanswered++;
            }
        }
        if (unanswered >= policy.maxConsecutiveOffers() && newestUnanswered != null
                && now.isBefore(newestUnanswered.plus(policy.cooldownAfterMaxOffers()))) {
            return "offer-limit-reached";
        }
        return null;
    }

    // ------------------------------------------------------------------ helpers

    private DeviceHistory history(Bytes user, ClientContext client, List<StoredCredential> usable, Instant now) {
        DeviceHistory history = DeviceHistory.read(attempts, user, client.deviceId(), usable,
                now.minus(policy.historyWindow()), policy.historyLimit(), policy.immediateFailureThreshold().toMillis());
        LastLoginHint hint = client.lastLogin();
        if (!history.deviceKnown() || history.positiveHere() || hint == null || hint.credentialId() == null) {
            return history;
        }
        // The device remembers a passkey login with this credential: weak positive evidence, used
        // only when the server has none of its own (e.g. the history was purged).
        Bytes id;
        try {
            id = Bytes.fromBase64Url(Objects.requireNonNull(hint.credentialId()));
        } catch (IllegalArgumentException e) {
            return history;
        }
        if (find(usable, id) == null) {
            return history;
        }
        return credentials.findCredential(id)
                .filter(c -> c.userHandle().equals(user) && c.status().acceptsLogin())
                .map(c -> history.withUsedHere(c.credentialId(),
                        Objects.requireNonNullElse(c.lastUsedAt(), c.createdAt())))
                .orElse(history);
    }

    private static @Nullable StoredCredential find(List<StoredCredential> list, Bytes id) {
        for (StoredCredential c : list) {
            if (c.credentialId().equals(id)) {
                return c;
            }
        }
        return null;
    }

    private static String abbreviate(Bytes id) {
        String s = id.toBase64Url();
        return s.length() <= 8 ? s : s.substring(0, 8) + "…";
    }

    private static String day(Instant at) {
        return at.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

}
