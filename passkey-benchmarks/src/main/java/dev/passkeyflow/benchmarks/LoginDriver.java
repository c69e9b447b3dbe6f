package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.infra.IterationParams;

/**
 * One thread's passkey logins through a {@link Deployment}'s {@code LoginFlow}: each thread has its
 * own account and authenticator, so threads share the flow and the storage but no user.
 *
 * <p>A login is measured in two halves, {@link #start()} and {@link #finishNextOfBatch()}, because
 * the browser's signature (made by the software authenticator, about as costly as the server's
 * check) has to happen between them and must not be counted. The finishes consume a batch of
 * started flows and signed answers made before each iteration ({@link #prepareBatch}, see
 * {@link Batches}). Started and prepared flows are deleted outside the measurement, so the flow
 * store stays at a steady size instead of filling up over a run.
 */
final class LoginDriver {

    private final Deployment deployment;
    private final Deployment.Account account;

    private @Nullable String startedFlowId;
    /** Prepared logins: {flow id, browser response}. */
    private final Batches<String[]> batch;

    LoginDriver(Deployment deployment, String label) {
        this.deployment = deployment;
        this.account = deployment.enrol(label);
        this.batch = new Batches<>(this::prepareOne, prepared -> deployment.flows.delete(prepared[0]));
    }

    /** Measured: the first request of a login, up to the challenge the browser receives. */
    LoginStep start() {
        LoginStep step = deployment.flow.start(account.identifier(), account.client());
        startedFlowId = step.flowId();
        if (!(step instanceof LoginStep.PasskeyChallenge)) {
            throw new IllegalStateException("expected a passkey challenge, got " + step);
        }
        return step;
    }

    /** The browser's signed answer to a challenge of this driver's account. */
    String answer(LoginStep.PasskeyChallenge challenge) {
        return account.authenticator().authenticate(challenge.credentialsGetJson());
    }

    /** Not measured: deletes the flow {@link #start()} made. */
    void forgetStarted() {
        if (startedFlowId != null) {
            deployment.flows.delete(startedFlowId);
            startedFlowId = null;
        }
    }

    /** Not measured: a started flow and the browser's signed answer. */
    private String[] prepareOne() {
        LoginStep.PasskeyChallenge challenge =
                (LoginStep.PasskeyChallenge) deployment.flow.start(account.identifier(), account.client());
        return new String[] {challenge.flowId(), account.authenticator().authenticate(challenge.credentialsGetJson())};
    }

    /**
     * Not measured ({@code Level.Iteration} set-up): started flows with the browser's signed
     * answers for one iteration ({@link Batches}). Answers are used oldest first, so the
     * authenticator's counter keeps increasing.
     */
    void prepareBatch(IterationParams iteration) {
        batch.prepare(iteration);
    }

    /** Measured: the second request of a login, verifying the next prepared answer to completion. */
    LoginStep finishNextOfBatch() {
        String[] next = batch.next();
        LoginStep step = deployment.flow.finishPasskey(next[0], next[1]);
        if (!(step instanceof LoginStep.Completed)) {
            throw new IllegalStateException("expected completion, got " + step);
        }
        return step;
    }

    /** Not measured ({@code Level.Iteration} tear-down): deletes the batch's flows, used or not. */
    void forgetBatch(IterationParams iteration) {
        batch.finish(iteration);
    }
}
