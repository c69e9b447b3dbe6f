package dev.passkeyflow.core;

import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.Bytes;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What happened in a login flow, for analytics and audit. Published to
 * {@link LoginFlowListener}s after the flow's new state is stored, stamped with the flow's clock.
 * Events carry no secrets: no challenges, keys or response bodies.
 */
public sealed interface LoginFlowEvent {

    String flowId();

    Instant at();

    /** The flow's account, or {@code null} for an unknown identifier. */
    @Nullable
    Bytes userHandle();

    record FlowStarted(String flowId, Instant at, @Nullable Bytes userHandle, StartDecision decision)
            implements LoginFlowEvent {}

    record PasskeyAttemptFailed(
            String flowId,
            Instant at,
            @Nullable Bytes userHandle,
            PasskeyFailure failure,
            FailureDiagnosis diagnosis,
            FailureDecision.Action action)
            implements LoginFlowEvent {}

    record FallbackRequired(
            String flowId, Instant at, @Nullable Bytes userHandle, FallbackReason reason) implements LoginFlowEvent {}

    /** The user went back from the traditional login to a passkey attempt ({@link LoginFlow#retryPasskey}). */
    record PasskeyRetryChosen(
            String flowId, Instant at, @Nullable Bytes userHandle, int attempt) implements LoginFlowEvent {}

    record FallbackFailed(
            String flowId, Instant at, @Nullable Bytes userHandle, int failures, boolean locked)
            implements LoginFlowEvent {}

    record FallbackSucceeded(
            String flowId, Instant at, @Nullable Bytes userHandle) implements LoginFlowEvent {}

    /**
     * A passkey creation offer was handed to the page.
     *
     * @param silent {@code true} when the offer is a silent one ({@link LoginStep.HealingOffer#silent()}:
     *     conditional create right after the password login, nothing shown unless the browser
     *     declines and the flow then shows the offer); {@code false} for an offer the person sees
     */
    record HealingOffered(
            String flowId,
            Instant at,
            @Nullable Bytes userHandle,
            HealingKind kind,
            FailureDiagnosis diagnosis,
            boolean silent)
            implements LoginFlowEvent {

        /** An offer the person sees ({@code silent} is {@code false}). */
        public HealingOffered(
                String flowId, Instant at, @Nullable Bytes userHandle, HealingKind kind, FailureDiagnosis diagnosis) {
            this(flowId, at, userHandle, kind, diagnosis, false);
        }
    }

    /**
     * A passkey created after a login (any {@link HealingKind} but {@link HealingKind#ENROLMENT})
     * was verified and stored.
     *
     * @param kind the offer it answered
     * @param path how the browser created it: silently (conditional create) or through the offer
     */
    record Healed(
            String flowId,
            Instant at,
            @Nullable Bytes userHandle,
            Bytes newCredentialId,
            Set<Bytes> flaggedCredentials,
            FailureDiagnosis diagnosis,
            HealingKind kind,
            HealingPath path)
            implements LoginFlowEvent {

        /** An explicit {@link HealingKind#AFTER_ERROR} healing. */
        public Healed(
                String flowId,
                Instant at,
                @Nullable Bytes userHandle,
                Bytes newCredentialId,
                Set<Bytes> flaggedCredentials,
                FailureDiagnosis diagnosis) {
            this(
                    flowId,
                    at,
                    userHandle,
                    newCredentialId,
                    flaggedCredentials,
                    diagnosis,
                    HealingKind.AFTER_ERROR,
                    HealingPath.EXPLICIT);
        }
    }

    /**
     * A passkey the host's signed-in session asked for ({@link LoginFlow#enrol}) was verified and
     * stored. Not healing: nothing was broken and nothing is flagged.
     */
    record Enrolled(String flowId, Instant at, @Nullable Bytes userHandle, Bytes newCredentialId)
            implements LoginFlowEvent {}

    /** Healing ended without a new passkey: declined, cancelled, failed, or one already existed. */
    record HealingDeclined(
            String flowId, Instant at, @Nullable Bytes userHandle, HealingResult result) implements LoginFlowEvent {}

    record Completed(
            String flowId, Instant at, @Nullable Bytes userHandle, AuthenticationMethod method, HealingResult healing)
            implements LoginFlowEvent {}

    /**
     * A passkey login was accepted although the credential's signature counter did not increase
     * (WebAuthn Level 3 §7.2 step 22: "a signal, but not proof, that the authenticator may be
     * cloned"). Published only for credentials registered as backup eligible (synced passkeys),
     * whose copies count independently or always report 0; for device-bound credentials the same
     * finding refuses the login ({@code PasskeyAttemptFailed} with {@code COUNTER_REGRESSION}).
     * Published after the login's {@link Completed}.
     *
     * @param credentialId the credential that logged in
     * @param storedCount the counter stored before this login
     * @param presentedCount the counter in the accepted assertion (now stored)
     */
    record SignatureCounterAnomaly(
            String flowId,
            Instant at,
            @Nullable Bytes userHandle,
            Bytes credentialId,
            long storedCount,
            long presentedCount)
            implements LoginFlowEvent {}
}
