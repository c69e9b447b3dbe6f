package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttempt;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts every step handler shares: settings, storage, ceremonies, the step runner, rendering,
 * events, and the one way a handler moves a flow ({@link #move}).
 */
final class Engine {

    static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);

    final FlowSettings settings;
    final CredentialRepository credentials;
    final Ceremonies ceremonies;
    final StepRunner runner;
    final Throttles throttles;
    final StepRendering steps;
    final OfferLedger ledger;

    Engine(FlowSettings settings, Ceremonies ceremonies) {
        this.settings = settings;
        this.credentials = settings.credentials();
        this.ceremonies = ceremonies;
        this.runner = new StepRunner(settings);
        this.throttles = new Throttles(settings.throttle(), settings.throttles(), settings.clock());
        this.steps = new StepRendering(settings);
        this.ledger = new OfferLedger(settings.passkeyEvents(), settings.offerCooldowns());
    }

    Instant now() {
        return settings.clock().instant();
    }

    /**
     * Takes a move of {@link FlowTransition}. Whether the call may move the flow at all was checked
     * once, before the step began ({@link FlowTransition#requireCallable}); a handler that picks a
     * move from another state is a bug in this library, not a caller's mistake.
     */
    static FlowSnapshot move(FlowSnapshot s, FlowTransition transition) {
        if (!transition.isLegalFrom(s.state())) {
            throw new IllegalStateException(transition + " taken from " + s.state());
        }
        return s.withState(transition.to());
    }

    /** A pending ceremony issued now. */
    FlowSnapshot.Pending pending(String requestJson) {
        return new FlowSnapshot.Pending(requestJson, now());
    }

    void publish(LoginFlowEvent event) {
        for (LoginFlowListener listener : settings.listeners()) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn(
                        "login flow listener {} failed on {}; ignored",
                        listener.getClass().getName(),
                        event.getClass().getSimpleName(),
                        e);
            }
        }
    }

    /** Adds an attempt to a step's effects; a registration outcome records which offer it answered. */
    static void addAttempt(
            List<Effect> effects,
            FlowSnapshot s,
            @Nullable Bytes credentialId,
            AttemptOutcome outcome,
            @Nullable String errorName,
            long elapsed,
            Instant now) {
        // So that offers can be counted per kind.
        HealingKind kind = outcome.ceremony() == AttemptOutcome.Ceremony.REGISTRATION
                ? s.healing().kind()
                : null;
        addAttempt(effects, s, credentialId, outcome, errorName, elapsed, now, null, kind == null ? null : kind.name());
    }

    static void addAttempt(
            List<Effect> effects,
            FlowSnapshot s,
            @Nullable Bytes credentialId,
            AttemptOutcome outcome,
            @Nullable String errorName,
            long elapsed,
            Instant now,
            @Nullable String attachment,
            @Nullable String offerKind) {
        Bytes userHandle = s.userHandle();
        if (userHandle != null) {
            effects.add(new Effect.AppendAttempt(new LoginAttempt(
                    userHandle,
                    s.client().deviceId(),
                    credentialId,
                    outcome,
                    errorName,
                    elapsed,
                    now,
                    s.healing().platform().storedName(),
                    attachment,
                    offerKind)));
        }
    }

    static ClientInfo clientInfo(FlowSnapshot s) {
        ClientPlatform platform = s.healing().platform();
        return new ClientInfo(
                s.client().deviceId(), platform == ClientPlatform.OTHER ? null : platform.storedName(), null);
    }
}
