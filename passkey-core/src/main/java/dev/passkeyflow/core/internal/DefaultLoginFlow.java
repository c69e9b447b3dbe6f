package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FlowCall;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The login flow: each public method checks its input, names its {@link StepReceipt} and hands the
 * step to the {@link StepRunner} (load, recognise a repeat, the one legality check of
 * {@link FlowTransition}, commit, effects, delivery) with the handler that decides the move.
 * Handlers are grouped by the state they act on: {@link StartSteps}, {@link PasskeySteps} and
 * {@link PasskeyFailures}, {@link FallbackSteps}, {@link HealingSteps}. A new call is one method
 * here, one handler method, a {@link FlowCall} constant and its rows in {@link FlowTransition}.
 */
final class DefaultLoginFlow implements LoginFlow {

    /** How often a failed-login report that lost a race on its flow is run again on the winner's state. */
    private static final int MAX_FAILURE_REPORT_ROUNDS = 8;

    private final Inputs inputs;
    private final StepRunner runner;
    private final StepRendering steps;
    private final StartSteps start;
    private final PasskeySteps passkey;
    private final PasskeyFailures failures;
    private final FallbackSteps fallback;
    private final HealingSteps healing;
    private final UsernamelessSteps usernameless;

    DefaultLoginFlow(FlowSettings settings, Ceremonies ceremonies) {
        Objects.requireNonNull(settings, "settings");
        Engine engine = new Engine(settings, ceremonies);
        this.inputs = new Inputs(settings);
        this.runner = engine.runner;
        this.steps = engine.steps;
        this.start = new StartSteps(engine);
        this.failures = new PasskeyFailures(engine);
        this.passkey = new PasskeySteps(engine, failures);
        this.fallback = new FallbackSteps(engine);
        this.healing = new HealingSteps(engine);
        this.usernameless = new UsernamelessSteps(engine, passkey);
    }

    /** Runs a call on a stored flow; a repeat gets the stored state's step again. */
    private LoginStep step(String flowId, StepReceipt receipt, Function<FlowSnapshot, LoginStep> body) {
        return runner.run(flowId, receipt, body, steps::repeatStep);
    }

    @Override
    public LoginStep start(String identifier, ClientContext client) {
        String normalized = inputs.identifier(identifier);
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> start.start(normalized, client));
    }

    @Override
    public LoginStep startUsernameless(ClientContext client) {
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> usernameless.start(client));
    }

    @Override
    public LoginStep enrol(String identifier, ClientContext client) {
        String normalized = inputs.identifier(identifier);
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> start.enrol(normalized, client));
    }

    @Override
    public LoginStep resume(String flowId) {
        // Read-only: a reload neither applies another request's effects nor takes its result.
        return runner.read(flowId, current -> {
            if (current.state() == FlowState.COMPLETED) {
                // A completion is handed out once, by the call that completed the flow: a flow id
                // alone must never be enough to be told "authenticated" again.
                throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "the flow is already completed");
            }
            return steps.stepFor(current, List.of(), null);
        });
    }

    @Override
    public LoginStep reportClientError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        String name = Inputs.errorName(errorName);
        long elapsed = Inputs.elapsed(elapsedMillis);
        // Every report counts on its own: two failures with the same name and time are two failures.
        StepReceipt receipt = StepReceipt.unique(FlowCall.REPORT_CLIENT_ERROR);
        return step(
                flowId,
                receipt,
                current -> UsernamelessSteps.isUsernameless(current)
                        ? usernameless.clientError(current, name, elapsed, receipt)
                        : failures.clientError(current, name, elapsed, receipt));
    }

    @Override
    public LoginStep reportImmediateRejection(String flowId, long elapsedMillis) {
        long elapsed = Inputs.elapsed(elapsedMillis);
        StepReceipt receipt = StepReceipt.unique(FlowCall.REPORT_IMMEDIATE_REJECTION);
        return step(
                flowId,
                receipt,
                current -> UsernamelessSteps.isUsernameless(current)
                        ? usernameless.clientError(current, "NotAllowedError", elapsed, receipt)
                        : failures.immediateRejection(current, elapsed, receipt));
    }

    @Override
    public LoginStep finishPasskey(String flowId, String responseJson) {
        String json = inputs.response(responseJson);
        // The proof is the response itself: only a repeat of this very response is told its result.
        StepReceipt receipt = StepReceipt.of(FlowCall.FINISH_PASSKEY, json);
        ParsedAssertion parsed = ParsedAssertion.of(json);
        return runner.runAssertion(
                flowId,
                parsed.credentialId(),
                receipt,
                (current, owned) -> UsernamelessSteps.isUsernameless(current)
                        ? usernameless.finish(current, json, receipt)
                        : passkey.finishPasskey(current, parsed, receipt, owned),
                steps::repeatStep);
    }

    @Override
    public LoginStep chooseFallback(String flowId) {
        StepReceipt receipt = StepReceipt.of(FlowCall.CHOOSE_FALLBACK);
        return step(flowId, receipt, current -> {
            if (UsernamelessSteps.isUsernameless(current)) {
                // No identifier, so no traditional login: the page starts an identifier-first flow.
                throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "a usernameless flow has no fallback");
            }
            return passkey.chooseFallback(current, receipt);
        });
    }

    @Override
    public LoginStep retryPasskey(String flowId) {
        StepReceipt receipt = StepReceipt.of(FlowCall.RETRY_PASSKEY);
        return step(flowId, receipt, current -> fallback.retryPasskey(current, receipt));
    }

    @Override
    public LoginStep fallbackSucceeded(String flowId) {
        // The host vouches for this call: a repeat (e.g. after a storage failure) gets the same result.
        StepReceipt receipt = StepReceipt.of(FlowCall.FALLBACK_SUCCEEDED);
        return step(flowId, receipt, current -> fallback.fallbackSucceeded(current, receipt));
    }

    @Override
    public LoginStep fallbackFailed(String flowId) {
        // Every report is one failed guess: concurrent reports on one flow each count, so a lost
        // race is run again on the winner's state rather than merged into it.
        boolean[] counted = {false};
        for (int round = 1; ; round++) {
            StepReceipt receipt = StepReceipt.unique(FlowCall.FALLBACK_FAILED);
            try {
                return step(flowId, receipt, current -> fallback.fallbackFailed(current, receipt, counted));
            } catch (LoginFlowException e) {
                if (e.reason() != Reason.CONFLICT || round == MAX_FAILURE_REPORT_ROUNDS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public LoginStep finishHealing(String flowId, String responseJson) {
        String json = inputs.response(responseJson);
        StepReceipt receipt = StepReceipt.of(FlowCall.FINISH_HEALING, json);
        return step(flowId, receipt, current -> healing.finishHealing(current, json, receipt));
    }

    @Override
    public LoginStep reportHealingError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        String name = Inputs.errorName(errorName);
        long elapsed = Inputs.elapsed(elapsedMillis);
        StepReceipt receipt = StepReceipt.of(FlowCall.REPORT_HEALING_ERROR, name);
        return step(flowId, receipt, current -> healing.healingError(current, name, elapsed, receipt));
    }

    @Override
    public LoginStep silentCreateDeclined(String flowId) {
        StepReceipt receipt = StepReceipt.of(FlowCall.SILENT_CREATE_DECLINED);
        return step(flowId, receipt, current -> healing.silentCreateDeclined(current, receipt));
    }

    @Override
    public LoginStep declineHealing(String flowId) {
        StepReceipt receipt = StepReceipt.of(FlowCall.DECLINE_HEALING);
        return step(flowId, receipt, current -> healing.decline(current, receipt));
    }
}
