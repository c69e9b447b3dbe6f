package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.AccountCredentials;
import dev.passkeyflow.storage.CountedFlowStart;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The calls that create a flow: {@code start} (a login) and {@code enrol} (a signed-in user adds a passkey). */
final class StartSteps {

    private final Engine engine;

    StartSteps(Engine engine) {
        this.engine = engine;
    }

    /** {@link FlowTransition#START_PASSKEY} or {@link FlowTransition#START_FALLBACK}. */
    LoginStep start(String identifier, ClientContext client) {
        // A store that counts the start together with the new flow (one round trip on a database)
        // does it at the end; otherwise the start is counted before any lookup. Either way a known
        // identifier is throttled and timed like an unknown one.
        CountedFlowStart countedStart =
                engine.settings.atomicSteps() instanceof CountedFlowStart counted ? counted : null;
        if (countedStart == null) {
            engine.throttles.countStart(identifier, client.deviceId());
        }
        Instant now = engine.now();
        // One lookup for the account and its credentials (one round trip on database storage),
        // and the same work for an unknown identifier.
        Optional<AccountCredentials> found = engine.credentials.findUserWithCredentials(identifier);
        Optional<UserAccount> user = found.map(AccountCredentials::account);
        List<StoredCredential> list = found.map(AccountCredentials::credentials).orElse(List.of());
        StartDecision decision =
                engine.settings.advisor().onStart(new StartContext(user.orElse(null), list, client, now));
        boolean usable = StepRendering.anyUsable(list);
        boolean passkey = user.isPresent() && usable && decision.action() != StartDecision.Action.FALLBACK;
        boolean immediate =
                passkey && decision.action() == StartDecision.Action.ATTEMPT_IMMEDIATE && client.supportsImmediateGet();

        FlowSnapshot fresh = FlowSnapshot.fresh(
                Inputs.newFlowId(),
                identifier,
                user.map(UserAccount::userHandle).orElse(null),
                client,
                now,
                now.plus(engine.settings.flowTimeToLive()));
        FlowSnapshot next;
        String challengeJson = null;
        if (passkey) {
            AssertionRequest request = engine.ceremonies.startAssertion(new YubicoCredentialAdapter.KnownReads(
                    identifier, user.get().userHandle(), list, null));
            challengeJson = YubicoJson.credentialsGetJson(request);
            boolean autoStart = decision.action() == StartDecision.Action.ATTEMPT_AUTOMATICALLY || immediate;
            next = Engine.move(fresh, FlowTransition.START_PASSKEY)
                    .withPending(engine.pending(YubicoJson.toJson(request)))
                    .withPasskey(new FlowSnapshot.Passkey(autoStart, false, 1, 0, List.of()));
        } else {
            next = Engine.move(fresh, FlowTransition.START_FALLBACK)
                    .withFallback(new FlowSnapshot.Fallback(FallbackReason.PASSKEY_NOT_AVAILABLE, 0));
        }
        create(countedStart, next, identifier, client);
        Engine.LOG.debug(
                "flow {} started: {} {}", SnapshotCodec.abbreviate(next.flowId()), next.state(), decision.tagTexts());
        engine.publish(new LoginFlowEvent.FlowStarted(next.flowId(), now, next.userHandle(), decision));
        if (!passkey) {
            engine.publish(new LoginFlowEvent.FallbackRequired(
                    next.flowId(), now, next.userHandle(), FallbackReason.PASSKEY_NOT_AVAILABLE));
            // The alternative from the lists already read: the same work for an unknown identifier.
            boolean alternative = user.isPresent() && usable && engine.steps.attemptsLeft(next);
            return engine.steps.fallbackStep(next, List.of(), alternative);
        }
        FlowSnapshot.Passkey p = next.passkey();
        return new LoginStep.PasskeyChallenge(
                next.flowId(),
                Objects.requireNonNull(challengeJson),
                p.autoStart(),
                p.attempts(),
                p.calmRetry(),
                List.of(),
                immediate);
    }

    /**
     * Stores the new flow: with the start's count in one call when the store can (then a start over
     * the limit creates nothing), else alone, the start having been counted before any lookup.
     */
    private void create(
            @Nullable CountedFlowStart countedStart, FlowSnapshot next, String identifier, ClientContext client) {
        if (countedStart != null) {
            engine.throttles.countStartAndCreate(
                    countedStart, StepRunner.newRecord(next), identifier, client.deviceId());
        } else {
            engine.runner.create(next);
        }
    }

    /** {@link FlowTransition#START_ENROLMENT}. */
    LoginStep enrol(String identifier, ClientContext client) {
        Instant now = engine.now();
        UserAccount user = engine.credentials
                .findUserByIdentifier(identifier)
                .orElseThrow(() -> new LoginFlowException(Reason.UNKNOWN_USER, "no account has this identifier"));
        // Host-initiated: enrolment, never reported as healing and never cooled down.
        HealingKind kind = HealingKind.ENROLMENT;
        PublicKeyCredentialCreationOptions options = engine.ceremonies.startRegistration(user);
        FlowSnapshot fresh = FlowSnapshot.fresh(
                Inputs.newFlowId(),
                identifier,
                user.userHandle(),
                client,
                now,
                now.plus(engine.settings.flowTimeToLive()));
        FlowSnapshot.Healing none = fresh.healing();
        FlowSnapshot next = Engine.move(fresh, FlowTransition.START_ENROLMENT)
                .withPending(engine.pending(YubicoJson.toJson(options)))
                .withMethod(AuthenticationMethod.HOST_SESSION)
                .withHealing(none.offer(
                        kind, none.diagnosis(), none.platform(), none.replacedCredentials(), none.replacedStatus()));
        engine.runner.create(next);
        engine.publish(new LoginFlowEvent.HealingOffered(
                next.flowId(), now, user.userHandle(), kind, next.healing().diagnosis()));
        return engine.steps.stepFor(next, List.of(), YubicoJson.credentialsCreateJson(options));
    }
}
