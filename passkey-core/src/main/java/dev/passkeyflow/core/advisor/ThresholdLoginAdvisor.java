package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The default advisor: fixed thresholds, no history.
 *
 * <ul>
 *   <li>Start: attempt a passkey login automatically when the account has a usable passkey and the
 *       client did not report that it has no authenticator at all; otherwise fall back.
 *   <li>Failure: a browser cancel is retried calmly until {@code failuresBeforeFallback} attempts
 *       in a row have failed (default 2); a server-side verification failure or a SecurityError
 *       falls back at once.
 *   <li>After the fallback: offer a new passkey when this flow saw passkey failures (after-error
 *       offer) or the account has no usable passkey (first passkey), and only when the client
 *       reported it can create a passkey locally. The credentials flagged after a heal are the
 *       ones created or last used on this device.
 * </ul>
 */
public final class ThresholdLoginAdvisor implements LoginAdvisor {

    /** Fall back after this many consecutive failed passkey attempts. */
    public static final int DEFAULT_FAILURES_BEFORE_FALLBACK = 2;

    /** A browser failure faster than this suggests no credential was available at all. */
    static final long IMMEDIATE_FAILURE_MILLIS = 1_000;

    /** A browser failure slower than this looks like a timeout rather than a cancel. */
    static final long TIMEOUT_LIKE_MILLIS = 30_000;

    private final int failuresBeforeFallback;

    private ThresholdLoginAdvisor(int failuresBeforeFallback) {
        if (failuresBeforeFallback < 1 || failuresBeforeFallback > 10) {
            throw new IllegalArgumentException(
                    "failuresBeforeFallback must be between 1 and 10, was " + failuresBeforeFallback);
        }
        this.failuresBeforeFallback = failuresBeforeFallback;
    }

    public static ThresholdLoginAdvisor ofDefaults() {
        return new ThresholdLoginAdvisor(DEFAULT_FAILURES_BEFORE_FALLBACK);
    }

    /**
     * An advisor that falls back after the given number of consecutive failed passkey attempts.
     *
     * @param failuresBeforeFallback consecutive failed attempts after which the flow falls back (1 to 10)
     * @return the advisor
     */
    public static ThresholdLoginAdvisor withFailuresBeforeFallback(int failuresBeforeFallback) {
        return new ThresholdLoginAdvisor(failuresBeforeFallback);
    }

    @Override
    public StartDecision onStart(StartContext context) {
        if (context.user() == null || context.usableCredentials().isEmpty()) {
            return StartDecision.of(StartDecision.Action.FALLBACK, DecisionTag.USER_HAS_NO_PASSKEYS);
        }
        if (context.client().reportsNoAuthenticatorAtAll()) {
            return StartDecision.of(StartDecision.Action.FALLBACK, DecisionTag.NO_PASSKEY_SUPPORT_IN_ENVIRONMENT);
        }
        return StartDecision.of(StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.USER_HAS_PASSKEYS);
    }

    @Override
    public FailureDecision onPasskeyFailure(FailureContext context) {
        PasskeyFailure failure = context.failure();
        FailureDiagnosis diagnosis = diagnose(failure);
        boolean fallBackNow = failure.outcome().isServerSide()
                || diagnosis.cause() == FailureCause.RP_MISCONFIGURATION
                || context.consecutiveFailures() >= failuresBeforeFallback;
        return new FailureDecision(
                fallBackNow ? FailureDecision.Action.FALLBACK : FailureDecision.Action.RETRY, diagnosis);
    }

    @Override
    public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
        ClientPlatform platform = ClientPlatform.of(context.client());
        if (!context.client().canCreatePasskeyLocally()) {
            return HealingDecision.noOffer(context.lastDiagnosis(), platform, DecisionTag.DEVICE_CANNOT_CREATE_PASSKEY);
        }
        if (!context.failuresInFlow().isEmpty()) {
            return new HealingDecision.Offer(
                    HealingKind.AFTER_ERROR,
                    context.lastDiagnosis(),
                    platform,
                    credentialsSeenOnThisDevice(context),
                    CredentialStatus.SUSPECTED_BROKEN,
                    List.of(DecisionTag.PASSKEY_FAILED_IN_FLOW));
        }
        if (context.usableCredentials().isEmpty()) {
            return HealingDecision.Offer.of(
                    HealingKind.FIRST_PASSKEY, FailureDiagnosis.unknown(), platform, DecisionTag.USER_HAS_NO_PASSKEYS);
        }
        return HealingDecision.noOffer(context.lastDiagnosis(), platform, DecisionTag.PASSKEYS_NOT_TRIED);
    }

    /** A diagnosis from the error alone: weak evidence, hence low confidence for browser errors. */
    static FailureDiagnosis diagnose(PasskeyFailure failure) {
        long elapsed = failure.elapsedMillis();
        return switch (failure.outcome()) {
            case CANCELLED -> {
                if (elapsed >= 0 && elapsed < IMMEDIATE_FAILURE_MILLIS) {
                    yield FailureDiagnosis.of(
                            FailureCause.PASSKEY_DELETED_LOCALLY,
                            Confidence.LOW,
                            "browser failed within " + elapsed + " ms, as it does when no credential is present");
                }
                if (elapsed >= TIMEOUT_LIKE_MILLIS) {
                    yield FailureDiagnosis.of(
                            FailureCause.TIMED_OUT, Confidence.MEDIUM, "browser failed after " + elapsed + " ms");
                }
                yield FailureDiagnosis.of(
                        FailureCause.USER_CANCELLED, Confidence.LOW, "browser reported " + failure.clientErrorName());
            }
            case TIMED_OUT -> FailureDiagnosis.of(FailureCause.TIMED_OUT, Confidence.HIGH, "ceremony timed out");
            case SECURITY_ERROR ->
                FailureDiagnosis.of(
                        FailureCause.RP_MISCONFIGURATION, Confidence.HIGH, "browser reported SecurityError");
            case UNKNOWN_CREDENTIAL ->
                FailureDiagnosis.of(
                        FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER,
                        Confidence.HIGH,
                        "the presented credential id is not registered");
            case IMMEDIATE_REJECTED ->
                FailureDiagnosis.of(
                        FailureCause.NEW_DEVICE_WITHOUT_PASSKEY,
                        Confidence.LOW,
                        "immediate UI mode found no passkey on this device");
            case CLIENT_ERROR ->
                FailureDiagnosis.of(
                        FailureCause.UNKNOWN, Confidence.LOW, "browser reported " + failure.clientErrorName());
            default ->
                FailureDiagnosis.of(
                        FailureCause.VERIFICATION_FAILED,
                        Confidence.HIGH,
                        "server rejected the response: " + failure.outcome());
        };
    }

    private static Set<Bytes> credentialsSeenOnThisDevice(HealingContext context) {
        String deviceId = context.client().deviceId();
        Set<Bytes> seen = new LinkedHashSet<>();
        if (deviceId == null) {
            return seen;
        }
        for (StoredCredential credential : context.usableCredentials()) {
            boolean createdHere = deviceId.equals(credential.createdOn().deviceId());
            boolean usedHere = credential.lastUsedOn() != null
                    && deviceId.equals(
                            Objects.requireNonNull(credential.lastUsedOn()).deviceId());
            if (createdHere || usedHere) {
                seen.add(credential.credentialId());
            }
        }
        return seen;
    }
}
