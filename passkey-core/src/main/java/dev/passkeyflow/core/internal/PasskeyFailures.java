package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed passkey attempt, whether the browser reported it ({@code reportClientError},
 * {@code reportImmediateRejection}) or verification refused the assertion: the advisor decides
 * between {@link FlowTransition#PASSKEY_RETRY} and {@link FlowTransition#PASSKEY_FAILED}.
 */
final class PasskeyFailures {

    private final Engine engine;

    PasskeyFailures(Engine engine) {
        this.engine = engine;
    }

    LoginStep clientError(FlowSnapshot current, String name, long elapsed, StepReceipt receipt) {
        AttemptOutcome outcome = BrowserErrors.ofGet(name, elapsed, engine.settings.ceremonyTimeout());
        Engine.LOG.debug(
                "flow {}: browser reported {} after {} ms", SnapshotCodec.abbreviate(current.flowId()), name, elapsed);
        return failed(current, new PasskeyFailure(outcome, name, elapsed, null), List.of(), receipt);
    }

    LoginStep immediateRejection(FlowSnapshot current, long elapsed, StepReceipt receipt) {
        Engine.LOG.debug(
                "flow {}: immediate UI mode rejected after {} ms", SnapshotCodec.abbreviate(current.flowId()), elapsed);
        return failed(
                current,
                new PasskeyFailure(AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", elapsed, null),
                List.of(),
                receipt);
    }

    /** {@link FlowTransition#PASSKEY_RETRY} or {@link FlowTransition#PASSKEY_FAILED}. */
    LoginStep failed(FlowSnapshot current, PasskeyFailure failure, List<ClientSignal> signals, StepReceipt receipt) {
        Instant now = engine.now();
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        Optional<UserAccount> user = engine.credentials.findUserByHandle(userHandle);
        List<StoredCredential> list = engine.credentials.listCredentials(userHandle);
        FlowSnapshot.Passkey p = current.passkey();
        int consecutive = p.consecutiveFailures() + 1;
        List<PasskeyFailure> recent = recentWith(p.failures(), failure);
        FailureDecision decision = user.isPresent()
                ? engine.settings
                        .advisor()
                        .onPasskeyFailure(new FailureContext(
                                user.get(), list, current.client(), failure, recent, consecutive, now))
                : new FailureDecision(FailureDecision.Action.FALLBACK, FailureDiagnosis.unknown());
        List<Effect> effects = new ArrayList<>();
        Engine.addAttempt(
                effects,
                current,
                failure.credentialId(),
                failure.outcome(),
                failure.clientErrorName(),
                failure.elapsedMillis(),
                now);

        boolean anyUsable = StepRendering.anyUsable(list);
        boolean retry =
                decision.action() == FailureDecision.Action.RETRY && engine.steps.attemptsLeft(current) && anyUsable;
        FlowSnapshot diagnosed = current.withHealing(current.healing().diagnosed(decision.diagnosis()));
        FlowSnapshot next;
        String challengeJson = null;
        if (retry) {
            AssertionRequest request = engine.ceremonies.startAssertion(
                    new YubicoCredentialAdapter.KnownReads(current.identifier(), userHandle, list, null));
            challengeJson = YubicoJson.credentialsGetJson(request);
            next = Engine.move(diagnosed, FlowTransition.PASSKEY_RETRY)
                    .withPending(engine.pending(YubicoJson.toJson(request)))
                    .withPasskey(new FlowSnapshot.Passkey(
                            true, failure.isCancelLike(), p.attempts() + 1, consecutive, recent));
        } else {
            next = Engine.move(diagnosed, FlowTransition.PASSKEY_FAILED)
                    .withPending(null)
                    .withPasskey(
                            new FlowSnapshot.Passkey(p.autoStart(), p.calmRetry(), p.attempts(), consecutive, recent))
                    .withFallback(new FlowSnapshot.Fallback(
                            FallbackReason.PASSKEY_FAILED, current.fallback().failures()));
        }
        next = engine.runner.commit(next, receipt, effects);
        FailureDecision.Action action = retry ? FailureDecision.Action.RETRY : FailureDecision.Action.FALLBACK;
        engine.publish(new LoginFlowEvent.PasskeyAttemptFailed(
                next.flowId(), now, userHandle, failure, decision.diagnosis(), action));
        if (!retry) {
            engine.publish(
                    new LoginFlowEvent.FallbackRequired(next.flowId(), now, userHandle, FallbackReason.PASSKEY_FAILED));
            // From the list read before the commit point: no storage call after it.
            return engine.steps.fallbackStep(next, signals, anyUsable && engine.steps.attemptsLeft(next));
        }
        return engine.steps.stepFor(next, signals, challengeJson);
    }

    /** The flow's recent failures and this one, at most as many as a flow has attempts (oldest dropped). */
    private List<PasskeyFailure> recentWith(List<PasskeyFailure> earlier, PasskeyFailure failure) {
        List<PasskeyFailure> recent = new ArrayList<>(earlier);
        recent.add(failure);
        if (recent.size() > engine.settings.maxPasskeyAttempts()) {
            recent.remove(0);
        }
        return recent;
    }
}
