package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The calls on a flow that waits for the host's traditional login: its result
 * ({@code fallbackSucceeded}, {@code fallbackFailed}) or the user's choice of a passkey after all
 * ({@code retryPasskey}).
 */
final class FallbackSteps {

    private final Engine engine;

    FallbackSteps(Engine engine) {
        this.engine = engine;
    }

    /** {@link FlowTransition#FALLBACK_TO_PASSKEY}. */
    LoginStep retryPasskey(FlowSnapshot current, StepReceipt receipt) {
        if (!engine.steps.passkeyAlternative(current)) {
            // The guard of the move, not its legality: the call is legal here, the account just has no passkey left.
            throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "no passkey login is possible in this flow");
        }
        Instant now = engine.now();
        AssertionRequest request = engine.ceremonies.startAssertion(current.identifier());
        int attempt = current.passkey().attempts() + 1;
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.FALLBACK_TO_PASSKEY)
                        .withPending(engine.pending(YubicoJson.toJson(request)))
                        .withPasskey(new FlowSnapshot.Passkey(
                                true, false, attempt, 0, current.passkey().failures())),
                receipt,
                List.of());
        engine.publish(new LoginFlowEvent.PasskeyRetryChosen(next.flowId(), now, next.userHandle(), attempt));
        return engine.steps.stepFor(next, List.of(), YubicoJson.credentialsGetJson(request));
    }

    /** {@link FlowTransition#FALLBACK_SUCCEEDED} or {@link FlowTransition#FALLBACK_SUCCEEDED_OFFER}. */
    LoginStep fallbackSucceeded(FlowSnapshot current, StepReceipt receipt) {
        engine.throttles.requireFallbackAllowed(
                current.identifier(), current.client().deviceId());
        Instant now = engine.now();
        Optional<UserAccount> user = current.userHandle() != null
                ? engine.credentials.findUserByHandle(Objects.requireNonNull(current.userHandle()))
                : engine.credentials.findUserByIdentifier(current.identifier());
        if (user.isEmpty()) {
            return unknownAccountSucceeded(current, receipt, now);
        }
        UserAccount account = user.get();
        FlowSnapshot withUser = current.withUserHandle(account.userHandle()).withMethod(AuthenticationMethod.FALLBACK);
        List<Effect> effects = new ArrayList<>();
        Engine.addAttempt(effects, withUser, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1, now);
        List<StoredCredential> list = engine.credentials.listCredentials(account.userHandle());
        HealingDecision decision = engine.settings
                .advisor()
                .onAuthenticatedWithoutPasskey(new HealingContext(
                        account,
                        list,
                        current.client(),
                        AuthenticationMethod.FALLBACK,
                        current.passkey().failures(),
                        current.healing().diagnosis(),
                        now,
                        current.fallback().reason()));
        // The offer, unless its kind is cooling down for this account (OfferCooldowns).
        HealingDecision.Offer offer = decision instanceof HealingDecision.Offer advised
                        && engine.ledger.allows(
                                advised.kind(),
                                account.userHandle(),
                                current.client().deviceId(),
                                now)
                ? advised
                : null;
        // Read before the commit point: the full accepted list for the completion's signal.
        ClientSignal accepted = engine.steps.allAccepted(account.userHandle(), null, list);
        if (offer != null) {
            return offerHealing(withUser, account, offer, receipt, effects, now);
        }
        FlowSnapshot next = engine.runner.commit(
                Engine.move(withUser, FlowTransition.FALLBACK_SUCCEEDED)
                        .withHealing(withUser.healing()
                                .diagnosed(decision.diagnosis(), decision.platform())
                                .ended(HealingResult.NOT_OFFERED, null)),
                receipt,
                effects);
        engine.publish(new LoginFlowEvent.FallbackSucceeded(next.flowId(), now, account.userHandle()));
        engine.publish(new LoginFlowEvent.Completed(
                next.flowId(), now, account.userHandle(), AuthenticationMethod.FALLBACK, HealingResult.NOT_OFFERED));
        // A password login of a known account also tells the provider which passkeys still count.
        return engine.steps.stepFor(next, StepRendering.unlessEmpty(accepted), null);
    }

    /**
     * {@link FlowTransition#FALLBACK_SUCCEEDED} for an identifier that names no account: the host's
     * check passed, so the flow completes, with nothing to record or offer.
     */
    private LoginStep unknownAccountSucceeded(FlowSnapshot current, StepReceipt receipt, Instant now) {
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.FALLBACK_SUCCEEDED)
                        .withMethod(AuthenticationMethod.FALLBACK)
                        .withHealing(current.healing().ended(HealingResult.NOT_OFFERED, null)),
                receipt,
                List.of());
        engine.publish(new LoginFlowEvent.FallbackSucceeded(next.flowId(), now, null));
        engine.publish(new LoginFlowEvent.Completed(
                next.flowId(), now, null, AuthenticationMethod.FALLBACK, HealingResult.NOT_OFFERED));
        return engine.steps.stepFor(next, List.of(), null);
    }

    /**
     * {@link FlowTransition#FALLBACK_SUCCEEDED_OFFER}: the advisor's offer, not cooling down, becomes
     * creation options that exclude the account's passkeys except those refused in this flow.
     *
     * @param withUser the flow with the account's user handle and the fallback method set
     * @param effects the writes of the step so far (the fallback's attempt)
     */
    private LoginStep offerHealing(
            FlowSnapshot withUser,
            UserAccount account,
            HealingDecision.Offer offer,
            StepReceipt receipt,
            List<Effect> effects,
            Instant now) {
        engine.ledger.offered(
                withUser.flowId(),
                offer.kind(),
                account.userHandle(),
                withUser.client().deviceId(),
                now);
        PublicKeyCredentialCreationOptions options = RegistrationVerification.withoutExcluded(
                engine.ceremonies.startRegistration(account),
                AssertionVerification.refusedCredentials(withUser.passkey().failures()));
        String optionsJson = YubicoJson.credentialsCreateJson(options);
        // Conditional create when the browser says it can: right after a password login the
        // browser may create the passkey without a dialog (automatic passkey upgrade).
        boolean silent = Boolean.TRUE.equals(withUser.client().capability(ClientContext.CAPABILITY_CONDITIONAL_CREATE));
        FlowSnapshot next = engine.runner.commit(
                Engine.move(withUser, FlowTransition.FALLBACK_SUCCEEDED_OFFER)
                        .withPending(engine.pending(YubicoJson.toJson(options)))
                        .withHealing(
                                HealingSteps.offered(withUser.healing(), offer).silently(silent)),
                receipt,
                effects);
        engine.publish(new LoginFlowEvent.FallbackSucceeded(next.flowId(), now, account.userHandle()));
        engine.publish(new LoginFlowEvent.HealingOffered(
                next.flowId(), now, account.userHandle(), offer.kind(), offer.diagnosis(), silent));
        return engine.steps.stepFor(next, List.of(), optionsJson);
    }

    /**
     * {@link FlowTransition#FALLBACK_FAILED} or {@link FlowTransition#FALLBACK_LOCKED}, once.
     *
     * @param counted whether an earlier round of this report already counted it against the throttle
     */
    LoginStep fallbackFailed(FlowSnapshot current, StepReceipt receipt, boolean[] counted) {
        if (!counted[0]) {
            // The same work for known and unknown identifiers: a read and an increment of two
            // counters, no history entry (the account's history is not where guesses are counted).
            engine.throttles.requireFallbackAllowed(
                    current.identifier(), current.client().deviceId());
            counted[0] = true;
            engine.throttles.countFailure(current.identifier(), current.client().deviceId());
        }
        Instant now = engine.now();
        int failures = current.fallback().failures() + 1;
        boolean lock = failures >= engine.settings.maxFallbackFailures();
        // The stored fallback reason stays why the flow fell back (the advisor's healing decision
        // needs it); the step reports FALLBACK_FAILED from the failure count.
        FlowSnapshot next = Engine.move(current, lock ? FlowTransition.FALLBACK_LOCKED : FlowTransition.FALLBACK_FAILED)
                .withFallback(new FlowSnapshot.Fallback(current.fallback().reason(), failures));
        // Read before the commit point: after it, a failed read would leave the step unanswered.
        boolean alternative = !lock && engine.steps.passkeyAlternative(current);
        next = engine.runner.commit(next, receipt, List.of());
        engine.publish(new LoginFlowEvent.FallbackFailed(next.flowId(), now, next.userHandle(), failures, lock));
        if (lock) {
            throw new LoginFlowException(Reason.LOCKED, "too many failed logins; start again later");
        }
        return engine.steps.fallbackStep(next, List.of(), alternative);
    }
}
