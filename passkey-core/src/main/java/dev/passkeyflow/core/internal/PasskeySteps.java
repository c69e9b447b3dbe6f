package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The calls on a flow whose passkey challenge is pending: the browser's answer
 * ({@code finishPasskey}) and the user's choice of the traditional login ({@code chooseFallback}).
 * Failed attempts, reported by the browser or found by verification, go to {@link PasskeyFailures}.
 */
final class PasskeySteps {

    private final Engine engine;
    private final PasskeyFailures failures;

    PasskeySteps(Engine engine, PasskeyFailures failures) {
        this.engine = engine;
        this.failures = failures;
    }

    /**
     * {@link FlowTransition#PASSKEY_SUCCEEDED}, {@link FlowTransition#PASSKEY_SUCCEEDED_OFFER} or a failure.
     *
     * @param owned every credential of the account owning the asserted credential id, read with the
     *     flow, or null when the storage did not read them together
     */
    LoginStep finishPasskey(
            FlowSnapshot current, ParsedAssertion parsed, StepReceipt receipt, @Nullable List<StoredCredential> owned) {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response =
                parsed.response();
        AssertionRequest request = YubicoJson.assertionRequest(current.pendingRequestJson());
        Bytes credentialId = AssertionVerification.credentialId(response);
        response = AssertionVerification.withoutEmptyUserHandle(response);
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        // The account's list is needed for the completion signal anyway; it usually holds the
        // presented credential too. Read with the flow when it is the flow's account's list.
        List<StoredCredential> own =
                owned != null && ownedBy(owned, userHandle) ? owned : engine.credentials.listCredentials(userHandle);
        Optional<StoredCredential> stored = find(own, credentialId);
        if (stored.isEmpty()) {
            // The owner's list read with the flow answers this too: empty when nobody owns the id.
            stored = owned != null ? find(owned, credentialId) : engine.credentials.findCredential(credentialId);
        }
        Ceremonies.AssertionVerdict verdict = engine.ceremonies.verifyAssertion(current, request, response, stored);
        if (verdict instanceof Ceremonies.AssertionVerdict.Verified verified) {
            return verified(current, credentialId, verified, response, receipt, own);
        }
        AttemptOutcome outcome = ((Ceremonies.AssertionVerdict.Refused) verdict).outcome();
        Engine.LOG.debug("flow {}: assertion rejected: {}", SnapshotCodec.abbreviate(current.flowId()), outcome);
        List<ClientSignal> signals = outcome == AttemptOutcome.UNKNOWN_CREDENTIAL
                ? List.of(engine.steps.unknownCredential(credentialId))
                : List.of();
        return failures.failed(current, new PasskeyFailure(outcome, null, -1, credentialId), signals, receipt);
    }

    private static boolean ownedBy(List<StoredCredential> credentials, Bytes userHandle) {
        return !credentials.isEmpty() && credentials.get(0).userHandle().equals(userHandle);
    }

    private static Optional<StoredCredential> find(List<StoredCredential> credentials, Bytes credentialId) {
        for (StoredCredential c : credentials) {
            if (c.credentialId().equals(credentialId)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * A verified assertion by the flow's account ({@code current.userHandle()}, which for a
     * usernameless flow is the credential's owner): the completion, or the after-hybrid offer.
     */
    LoginStep verified(
            FlowSnapshot current,
            Bytes credentialId,
            Ceremonies.AssertionVerdict.Verified verified,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            StepReceipt receipt) {
        return verified(
                current,
                credentialId,
                verified,
                response,
                receipt,
                engine.credentials.listCredentials(Objects.requireNonNull(current.userHandle())));
    }

    private LoginStep verified(
            FlowSnapshot current,
            Bytes credentialId,
            Ceremonies.AssertionVerdict.Verified verified,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            StepReceipt receipt,
            List<StoredCredential> own) {
        // Yubico marks authenticatorAttachment experimental (@Deprecated); it is WebAuthn Level 3's field.
        @SuppressWarnings("deprecation")
        @Nullable
        String attachment =
                response.getAuthenticatorAttachment().map(a -> a.getValue()).orElse(null);
        LoginStep done = succeeded(current, credentialId, verified.result(), receipt, own, attachment);
        if (AssertionVerification.counterRegressed(verified.result())) {
            engine.publish(new LoginFlowEvent.SignatureCounterAnomaly(
                    current.flowId(),
                    engine.now(),
                    current.userHandle(),
                    credentialId,
                    verified.stored().signatureCount(),
                    verified.result().getSignatureCount()));
        }
        return done;
    }

    /**
     * @param attachment the {@code authenticatorAttachment} the browser reported for the assertion
     *     (not signed, so it is evidence for history and offers only, never for authentication)
     */
    private LoginStep succeeded(
            FlowSnapshot current,
            Bytes credentialId,
            AssertionResult result,
            StepReceipt receipt,
            List<StoredCredential> own,
            @Nullable String attachment) {
        Instant now = engine.now();
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        // Read before the commit point: after it, a failed read would leave a completed step unanswered.
        ClientSignal accepted = engine.steps.allAccepted(userHandle, null, own);
        List<Effect> effects = new ArrayList<>();
        // Yubico marks the backup state experimental (@Deprecated); it is the authenticator data's BS bit.
        @SuppressWarnings("deprecation")
        boolean backedUp = result.isBackedUp();
        effects.add(new Effect.RecordUse(
                credentialId, result.getSignatureCount(), backedUp, now, Engine.clientInfo(current)));
        Engine.addAttempt(effects, current, credentialId, AttemptOutcome.SUCCEEDED, null, -1, now, attachment, null);
        FlowSnapshot.Passkey p = current.passkey();
        FlowSnapshot reset = current.withMethod(AuthenticationMethod.PASSKEY)
                .withPasskey(new FlowSnapshot.Passkey(p.autoStart(), p.calmRetry(), p.attempts(), 0, p.failures()));
        if ("cross-platform".equals(attachment) && current.client().canCreatePasskeyLocally()) {
            LoginStep offered =
                    offerAfterHybrid(reset, userHandle, credentialId, "cross-platform", receipt, effects, now);
            if (offered != null) {
                return offered;
            }
        }
        FlowSnapshot next = engine.runner.commit(
                Engine.move(reset, FlowTransition.PASSKEY_SUCCEEDED)
                        .withPending(null)
                        .withHealing(reset.healing().ended(HealingResult.NOT_OFFERED, null)),
                receipt,
                effects);
        engine.publish(new LoginFlowEvent.Completed(
                next.flowId(), now, userHandle, AuthenticationMethod.PASSKEY, HealingResult.NOT_OFFERED));
        return engine.steps.stepFor(next, List.of(accepted), null);
    }

    /** A login from another device (hybrid): the advisor may offer a passkey on this one. */
    private @Nullable LoginStep offerAfterHybrid(
            FlowSnapshot current,
            Bytes userHandle,
            Bytes credentialId,
            String attachment,
            StepReceipt receipt,
            List<Effect> effects,
            Instant now) {
        Optional<UserAccount> account = engine.credentials.findUserByHandle(userHandle);
        HealingDecision decision = account.isEmpty()
                ? null
                : engine.settings
                        .advisor()
                        .onCrossDeviceSuccess(new PasskeySuccessContext(
                                account.get(),
                                engine.credentials.listCredentials(userHandle),
                                current.client(),
                                credentialId,
                                attachment,
                                current.passkey().failures(),
                                now));
        if (!(decision instanceof HealingDecision.Offer offer)
                || !engine.ledger.allows(
                        offer.kind(), userHandle, current.client().deviceId(), now)) {
            return null;
        }
        engine.ledger.offered(
                current.flowId(), offer.kind(), userHandle, current.client().deviceId(), now);
        PublicKeyCredentialCreationOptions options = engine.ceremonies.startRegistration(account.get());
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.PASSKEY_SUCCEEDED_OFFER)
                        .withPending(engine.pending(YubicoJson.toJson(options)))
                        .withHealing(HealingSteps.offered(current.healing(), offer)),
                receipt,
                effects);
        engine.publish(
                new LoginFlowEvent.HealingOffered(next.flowId(), now, userHandle, offer.kind(), offer.diagnosis()));
        return engine.steps.stepFor(next, List.of(), YubicoJson.credentialsCreateJson(options));
    }

    /** {@link FlowTransition#PASSKEY_DECLINED}. */
    LoginStep chooseFallback(FlowSnapshot current, StepReceipt receipt) {
        // Read before the commit point: after it, a failed read would leave the step unanswered.
        boolean alternative = engine.steps.passkeyAlternative(current);
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.PASSKEY_DECLINED)
                        .withPending(null)
                        .withFallback(new FlowSnapshot.Fallback(
                                FallbackReason.USER_CHOSE_FALLBACK,
                                current.fallback().failures())),
                receipt,
                List.of());
        engine.publish(new LoginFlowEvent.FallbackRequired(
                next.flowId(), engine.now(), next.userHandle(), FallbackReason.USER_CHOSE_FALLBACK));
        return engine.steps.fallbackStep(next, List.of(), alternative);
    }
}
