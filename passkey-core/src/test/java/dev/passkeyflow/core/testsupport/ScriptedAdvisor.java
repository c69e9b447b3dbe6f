package dev.passkeyflow.core.testsupport;

import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Asks the default advisor unless a test scripted an action, and records every context it was asked
 * with.
 */
public final class ScriptedAdvisor implements LoginAdvisor {

    private final LoginAdvisor delegate = ThresholdLoginAdvisor.ofDefaults();
    private volatile StartDecision.@Nullable Action startAction;
    private volatile FailureDecision.@Nullable Action failureAction;

    public final List<StartContext> startContexts = new CopyOnWriteArrayList<>();
    public final List<FailureContext> failureContexts = new CopyOnWriteArrayList<>();
    public final List<HealingContext> healingContexts = new CopyOnWriteArrayList<>();

    /** Always decide {@code action} at the start; {@code null} asks the default advisor again. */
    public ScriptedAdvisor onStart(StartDecision.@Nullable Action action) {
        this.startAction = action;
        return this;
    }

    /** Always decide {@code action} after a failure; {@code null} asks the default advisor again. */
    public ScriptedAdvisor onFailure(FailureDecision.@Nullable Action action) {
        this.failureAction = action;
        return this;
    }

    public void reset() {
        startContexts.clear();
        failureContexts.clear();
        healingContexts.clear();
    }

    @Override
    public StartDecision onStart(StartContext context) {
        startContexts.add(context);
        StartDecision.Action action = startAction;
        return action != null ? StartDecision.of(action) : delegate.onStart(context);
    }

    @Override
    public FailureDecision onPasskeyFailure(FailureContext context) {
        failureContexts.add(context);
        FailureDecision decision = delegate.onPasskeyFailure(context);
        FailureDecision.Action action = failureAction;
        return action != null ? new FailureDecision(action, decision.diagnosis()) : decision;
    }

    @Override
    public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
        healingContexts.add(context);
        return delegate.onAuthenticatedWithoutPasskey(context);
    }
}
