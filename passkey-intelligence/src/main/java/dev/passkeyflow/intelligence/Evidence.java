package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.LastLoginHint;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.intelligence.CredentialInsight.Availability;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
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
 * The evidence the three decisions share: bounded reads of the device's and the account's history,
 * where a credential can be, and the diagnosis that the history supports. Stateless apart from its
 * collaborators; thread-safe.
 */
final class Evidence {

    /** The evidence text for a device without a local passkey login of the user (diagnoses, logs). */
    static final String NEVER_LOCAL_HERE =
            "this device never completed a passkey login of this user with its own authenticator";

    /** The most credentials whose history one decision reads. */
    static final int MAX_CREDENTIALS_EXAMINED = 3;

    /** How far back unanswered offers are counted, whatever their spacing (bounded by the history limit). */
    static final Duration OFFER_HISTORY = Duration.ofDays(400);

    /**
     * Chrome rejects more than two immediate-UI-mode requests within five seconds on one page
     * (blink-dev "Intent to Ship: Web Authentication Immediate UI mode", April 2026): a rejection
     * within this time of another one may be the throttle, not the absence of a credential.
     */
    public static final Duration IMMEDIATE_RATE_WINDOW = Duration.ofSeconds(5);

    final CredentialRepository credentials;
    final LoginAttemptRepository attempts;
    final AutoHealingPolicy policy;
    final PasskeyProviders providers;

    public Evidence(
            CredentialRepository credentials,
            LoginAttemptRepository attempts,
            AutoHealingPolicy policy,
            PasskeyProviders providers) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    public AutoHealingPolicy policy() {
        return policy;
    }

    /**
     * A diagnosis, whether the evidence shows that no passkey of the user is on this device, and the
     * credentials that evidently no longer work here.
     */
    record Finding(FailureDiagnosis diagnosis, boolean passkeyAbsent, Set<Bytes> goneFromDevice) {
        static Finding of(FailureCause cause, Confidence confidence, String... evidence) {
            return new Finding(FailureDiagnosis.of(cause, confidence, evidence), false, Set.of());
        }
    }

    static boolean desktopChrome(ClientContext client, ClientPlatform platform) {
        String ua = client.userAgent();
        if (ua == null
                || !(platform == ClientPlatform.WINDOWS
                        || platform == ClientPlatform.MACOS
                        || platform == ClientPlatform.LINUX)) {
            return false;
        }
        return ua.contains("Chrome/")
                && !ua.contains("Edg/")
                && !ua.contains("OPR/")
                && !ua.contains("Mobile")
                && !ua.contains("SamsungBrowser/")
                && !ua.contains("YaBrowser/");
    }

    /**
     * The best availability of the usable credentials on a device without history of them.
     *
     * @param createdAfter only credentials created after this instant count, if given
     */
    Availability bestAvailability(List<StoredCredential> usable, ClientContext client, @Nullable Instant createdAfter) {
        ClientPlatform platform = PlatformHints.platformOf(client);
        boolean chrome = desktopChrome(client, platform);
        Availability best = Availability.UNLIKELY;
        for (StoredCredential c : usable) {
            if (createdAfter != null && !c.createdAt().isAfter(createdAfter)) {
                continue;
            }
            Availability a = CredentialInsight.of(c, providers).availabilityOn(platform, chrome);
            if (a == Availability.LIKELY) {
                return a;
            }
            if (a == Availability.UNCERTAIN) {
                best = a;
            }
        }
        return best;
    }

    /**
     * Whether a passkey absent from this device's own authenticators may still be reached from it by
     * a phone (hybrid, the browser's QR code): the device never signed in with its own authenticator,
     * the client did not report hybrid as unavailable, and the user signed in here by phone before or
     * has a passkey created on a phone. A failure of the local authenticator says nothing about the
     * phone: the failure decision keeps the calm retry (the browser's sheet shows the QR code again)
     * and the start decision keeps a way to the phone open.
     */
    boolean reachableByPhone(DeviceHistory history, List<StoredCredential> usable, ClientContext client) {
        if (Boolean.FALSE.equals(client.capability(ClientContext.CAPABILITY_HYBRID_TRANSPORT))) {
            return false;
        }
        if (history.positiveHere()) {
            return false;
        }
        if (history.crossDeviceSuccesses() > 0) {
            return true;
        }
        for (StoredCredential c : usable) {
            ClientPlatform created = ClientPlatform.fromName(c.createdOn().platform());
            if ((created == ClientPlatform.IOS || created == ClientPlatform.ANDROID)
                    && created != PlatformHints.platformOf(client)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of the usable credentials may be a security key (by AAGUID or transports). */
    boolean maySecurityKey(List<StoredCredential> usable) {
        for (StoredCredential c : usable) {
            Set<String> t = c.transports();
            if (CredentialInsight.of(c, providers).kind() == ProviderKind.HARDWARE_SECURITY_KEY
                    || t.contains("usb")
                    || t.contains("nfc")
                    || t.contains("ble")) {
                return true;
            }
        }
        return false;
    }

    DeviceHistory history(Bytes user, ClientContext client, List<StoredCredential> usable, Instant now) {
        DeviceHistory history = DeviceHistory.read(
                attempts,
                user,
                client.deviceId(),
                usable,
                now.minus(policy.historyWindow()),
                policy.historyLimit(),
                policy.immediateFailureThreshold().toMillis(),
                policy.failuresBeforeFallback());
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
        return credentials
                .findCredential(id)
                .filter(c -> c.userHandle().equals(user) && c.status().acceptsLogin())
                .map(c -> history.withUsedHere(
                        c.credentialId(), Objects.requireNonNullElse(c.lastUsedAt(), c.createdAt())))
                .orElse(history);
    }

    AccountHistory account(Bytes user, Instant now) {
        return AccountHistory.read(attempts, user, now.minus(OFFER_HISTORY), policy.historyLimit());
    }

    /**
     * A recent proof that a passkey of the user is on this device: an {@code InvalidStateError}
     * answer here, or, for a device without any history of its own (a browser that lost its device
     * id with its cookies), a local passkey login or such an answer on a client of the same platform.
     */
    @Nullable
    Instant presenceProof(DeviceHistory h, AccountHistory account, ClientContext client, Instant now) {
        Instant since = now.minus(policy.negativeHistoryDuration());
        Instant here = h.presenceProof();
        if (here != null && here.isAfter(since)) {
            return here;
        }
        if (h.deviceKnown() && !h.empty()) {
            return null;
        }
        Instant platform = account.presenceOn(PlatformHints.platformOf(client));
        return platform != null && platform.isAfter(since) ? platform : null;
    }

    /**
     * For a device without any history of its own, why one of the user's passkeys may be here although
     * nothing proves it recently: a proof that one was reachable from a client of the same platform
     * (see {@link #presenceProof}) within {@link AutoHealingPolicy#historyWindow()} but older than
     * {@link AutoHealingPolicy#negativeHistoryDuration()}
     * ({@link DecisionTag#POSITIVE_HISTORY_ON_PLATFORM}), or a passkey created within the history window
     * on a client of the same platform that has not been seen under its device id since, with no
     * failed passkey prompt on that platform after it
     * ({@link DecisionTag#CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT}); {@code null} when neither holds.
     * Never proof: a second device of the same platform looks the same.
     */
    @Nullable
    DecisionTag possiblyOnPlatform(DeviceHistory h, AccountHistory account, ClientContext client, Instant now) {
        if (h.deviceKnown() && !h.empty()) {
            return null;
        }
        ClientPlatform platform = PlatformHints.platformOf(client);
        Instant since = now.minus(policy.historyWindow());
        Instant proof = account.presenceOn(platform);
        if (proof != null && proof.isAfter(since)) {
            return DecisionTag.POSITIVE_HISTORY_ON_PLATFORM;
        }
        Instant created = account.unseenCreationOn(platform);
        return created != null && created.isAfter(since) ? DecisionTag.CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT : null;
    }

    /**
     * The diagnosis the history supports for the hypothesis that the passkey is not on this device.
     *
     * @param fastFailures how many of the failures examined were faster than the immediate-failure
     *     threshold: weak evidence that may raise the confidence by one level, never decide
     * @param proven whether the absence is proven (immediate UI mode found no credential)
     * @param timing evidence about the current failure's timing, or {@code null} if there is none
     */
    Finding absenceHypothesis(
            DeviceHistory h,
            List<StoredCredential> usable,
            ClientContext client,
            Instant now,
            int fastFailures,
            boolean proven,
            @Nullable String timing) {
        List<String> evidence = new ArrayList<>();
        if (timing != null) {
            evidence.add(timing);
        }
        if (proven) {
            evidence.add("immediate UI mode found no passkey for this site on this device");
        }
        if (fastFailures > 0) {
            evidence.add(fastFailures + " failure(s) faster than "
                    + policy.immediateFailureThreshold().toMillis() + " ms (weak evidence)");
        }
        if (!h.positiveHere()) {
            evidence.add(NEVER_LOCAL_HERE);
            Availability best = bestAvailability(usable, client, null);
            Confidence confidence = proven
                    ? Confidence.HIGH
                    : best == Availability.UNLIKELY ? Confidence.MEDIUM : raise(Confidence.LOW, fastFailures);
            return new Finding(
                    new FailureDiagnosis(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY, confidence, evidence),
                    proven || best == Availability.UNLIKELY,
                    Set.of());
        }
        Map.Entry<Bytes, Instant> newest = h.usedHere().entrySet().iterator().next();
        Bytes credentialId = newest.getKey();
        Instant usedAt = newest.getValue();
        evidence.add("this device used passkey " + abbreviate(credentialId) + " successfully on " + day(usedAt));
        Set<Bytes> gone = new LinkedHashSet<>(h.usedHere().keySet());
        StoredCredential credential = find(usable, credentialId);
        CredentialInsight insight = credential == null ? null : CredentialInsight.of(credential, providers);
        Instant otherUse = credential == null ? null : otherDeviceSuccess(credential, h.deviceId(), usedAt, now);
        if (otherUse == null) {
            evidence.add("no other device used it since");
            Confidence confidence = proven ? Confidence.HIGH : raise(Confidence.LOW, fastFailures);
            return new Finding(
                    new FailureDiagnosis(FailureCause.PASSKEY_DELETED_LOCALLY, confidence, evidence), proven, gone);
        }
        Objects.requireNonNull(insight);
        evidence.add("it still succeeded on another device on " + day(otherUse));
        evidence.add("provider: " + insight.providerName());
        Instant firstFailure = h.firstFailureSinceSuccess();
        boolean afterFailure = firstFailure != null && otherUse.isAfter(firstFailure);
        Confidence confidence = proven || afterFailure ? Confidence.MEDIUM : Confidence.LOW;
        if (proven && insight.fromAaguid()) {
            confidence = Confidence.HIGH;
        }
        FailureCause cause = switch (insight.kind()) {
            case PLATFORM_SYNCED -> FailureCause.DIFFERENT_CLOUD_ACCOUNT;
            case THIRD_PARTY_PASSWORD_MANAGER -> FailureCause.PASSWORD_MANAGER_UNAVAILABLE;
            case HARDWARE_SECURITY_KEY -> FailureCause.UNKNOWN;
            case DEVICE_BOUND_PLATFORM, UNKNOWN -> FailureCause.PASSKEY_DELETED_LOCALLY;
        };
        if (insight.kind() != ProviderKind.PLATFORM_SYNCED
                && insight.kind() != ProviderKind.THIRD_PARTY_PASSWORD_MANAGER) {
            confidence = Confidence.LOW;
        }
        return new Finding(new FailureDiagnosis(cause, confidence, evidence), proven, gone);
    }

    private static Confidence raise(Confidence c, int fastFailures) {
        return fastFailures > 0 && c == Confidence.LOW ? Confidence.MEDIUM : c;
    }

    /** The latest success of a credential on a device other than {@code deviceId} after {@code after}. */
    @Nullable
    Instant otherDeviceSuccess(StoredCredential credential, @Nullable String deviceId, Instant after, Instant now) {
        Instant latest = null;
        ClientInfo lastOn = credential.lastUsedOn();
        Instant lastAt = credential.lastUsedAt();
        if (lastOn != null
                && lastAt != null
                && lastOn.deviceId() != null
                && !lastOn.deviceId().equals(deviceId)
                && lastAt.isAfter(after)) {
            latest = lastAt;
        }
        Instant since = later(after, now.minus(policy.historyWindow()));
        for (LoginAttempt a : attempts.recentByCredential(credential.credentialId(), since, policy.historyLimit())) {
            if (a.outcome() == AttemptOutcome.SUCCEEDED
                    && a.deviceId() != null
                    && !a.deviceId().equals(deviceId)
                    && a.at().isAfter(after)) {
                if (latest == null || a.at().isAfter(latest)) {
                    latest = a.at();
                }
                break;
            }
        }
        return latest;
    }

    static @Nullable StoredCredential find(List<StoredCredential> list, Bytes id) {
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
}
