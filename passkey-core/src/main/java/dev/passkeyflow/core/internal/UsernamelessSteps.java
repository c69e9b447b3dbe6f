package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Usernameless (autofill) logins: {@link FlowTransition#START_USERNAMELESS}, and the answers to a
 * challenge with empty {@code allowCredentials}. Until an assertion verifies, the flow belongs to
 * nobody: it has no user handle and an empty identifier, failures are recorded in nobody's history,
 * and there is no traditional fallback. A verified assertion makes the flow the credential owner's
 * ({@link FlowSnapshot#withOwner}) and completes it through {@link PasskeySteps}, so every check of
 * an identifier-first login (prechecks, Yubico, the identity from the verified credential's user
 * handle, counters) is made for that owner.
 */
final class UsernamelessSteps {

    /** The identifier of a flow that has no account yet: blank, which no identifier can be. */
    static final String NO_IDENTIFIER = "";

    private final Engine engine;
    private final PasskeySteps passkey;

    UsernamelessSteps(Engine engine, PasskeySteps passkey) {
        this.engine = engine;
        this.passkey = passkey;
    }

    /** Whether a flow is a usernameless challenge not yet answered by a verified credential. */
    static boolean isUsernameless(FlowSnapshot s) {
        return s.state() == FlowState.PASSKEY_PENDING && s.userHandle() == null;
    }

    /** {@link FlowTransition#START_USERNAMELESS}. */
    LoginStep start(ClientContext client) {
        engine.throttles.countUsernamelessStart(client.deviceId());
        Instant now = engine.now();
        AssertionRequest request = engine.ceremonies.startUsernamelessAssertion();
        FlowSnapshot fresh = FlowSnapshot.fresh(
                Inputs.newFlowId(), NO_IDENTIFIER, null, client, now, now.plus(engine.settings.flowTimeToLive()));
        FlowSnapshot next = Engine.move(fresh, FlowTransition.START_USERNAMELESS)
                .withPending(engine.pending(YubicoJson.toJson(request)))
                .withPasskey(new FlowSnapshot.Passkey(false, false, 1, 0, List.of()));
        engine.runner.create(next);
        engine.publish(new LoginFlowEvent.FlowStarted(
                next.flowId(),
                now,
                null,
                StartDecision.of(StartDecision.Action.OFFER_BUTTON, DecisionTag.USERNAMELESS)));
        return engine.steps.stepFor(next, List.of(), YubicoJson.credentialsGetJson(request));
    }

    /**
     * The browser's answer to a usernameless challenge. Only a credential the server knows, that
     * accepts logins and whose assertion verifies as its owner's completes the flow, as that owner.
     */
    LoginStep finish(FlowSnapshot current, String responseJson, StepReceipt receipt) {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response =
                YubicoJson.assertionResponse(responseJson);
        Bytes credentialId = AssertionVerification.credentialId(response);
        Optional<StoredCredential> stored = engine.credentials.findCredential(credentialId);
        if (stored.isEmpty()) {
            // The lookup is global, so no account at all owns this id: the provider may drop it.
            return retry(
                    current,
                    AttemptOutcome.UNKNOWN_CREDENTIAL,
                    List.of(engine.steps.unknownCredential(credentialId)),
                    receipt);
        }
        if (!stored.get().status().acceptsLogin()) {
            // Known to the server (retired): never signalled as unknown, never accepted.
            return retry(current, AttemptOutcome.CREDENTIAL_RETIRED, List.of(), receipt);
        }
        Optional<UserAccount> owner =
                engine.credentials.findUserByHandle(stored.get().userHandle());
        if (owner.isEmpty()) {
            return retry(current, AttemptOutcome.VERIFICATION_FAILED, List.of(), receipt);
        }
        FlowSnapshot asOwner =
                current.withOwner(owner.get().userHandle(), owner.get().identifier());
        AssertionRequest request = YubicoJson.assertionRequest(current.pendingRequestJson());
        Ceremonies.AssertionVerdict verdict = engine.ceremonies.verifyAssertion(
                asOwner, request, AssertionVerification.withoutEmptyUserHandle(response), stored);
        if (verdict instanceof Ceremonies.AssertionVerdict.Verified verified) {
            return passkey.verified(asOwner, credentialId, verified, response, receipt);
        }
        AttemptOutcome outcome = ((Ceremonies.AssertionVerdict.Refused) verdict).outcome();
        Engine.LOG.debug(
                "flow {}: usernameless assertion rejected: {}", SnapshotCodec.abbreviate(current.flowId()), outcome);
        return retry(current, outcome, List.of(), receipt);
    }

    /** A browser error on a usernameless challenge (not an abort the page made: that is not reported). */
    LoginStep clientError(FlowSnapshot current, String name, long elapsed, StepReceipt receipt) {
        return retry(
                current, BrowserErrors.ofGet(name, elapsed, engine.settings.ceremonyTimeout()), List.of(), receipt);
    }

    /**
     * {@link FlowTransition#PASSKEY_RETRY} with a fresh usernameless challenge while the flow has
     * passkey attempts left; then {@code ILLEGAL_TRANSITION} and nothing changes (the page starts a
     * new flow). No history is written: the flow has no account.
     */
    private LoginStep retry(
            FlowSnapshot current, AttemptOutcome outcome, List<ClientSignal> signals, StepReceipt receipt) {
        if (!engine.steps.attemptsLeft(current)) {
            throw new LoginFlowException(
                    LoginFlowException.Reason.ILLEGAL_TRANSITION,
                    "no passkey attempts left in this flow; start a new one");
        }
        Instant now = engine.now();
        AssertionRequest request = engine.ceremonies.startUsernamelessAssertion();
        PasskeyFailure failure = new PasskeyFailure(outcome, null, -1, null);
        FlowSnapshot.Passkey p = current.passkey();
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.PASSKEY_RETRY)
                        .withPending(engine.pending(YubicoJson.toJson(request)))
                        .withPasskey(new FlowSnapshot.Passkey(
                                false,
                                failure.isCancelLike(),
                                p.attempts() + 1,
                                p.consecutiveFailures() + 1,
                                List.of())),
                receipt,
                List.of());
        engine.publish(new LoginFlowEvent.PasskeyAttemptFailed(
                next.flowId(), now, null, failure, FailureDiagnosis.unknown(), FailureDecision.Action.RETRY));
        return engine.steps.stepFor(next, signals, YubicoJson.credentialsGetJson(request));
    }
}
