package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
import org.jspecify.annotations.Nullable;

/**
 * One thread's passkey logins through a {@link Deployment}'s {@code LoginFlow}: each thread has its
 * own account and authenticator, so threads share the flow and the storage but no user.
 *
 * <p>A login is measured in two halves, {@link #start()} and {@link #finish()}, because the
 * browser's signature (made by the software authenticator, as costly as the server's check) has to
 * happen between them and must not be counted. {@link #prepareFinish()} runs outside the
 * measurement (JMH {@code Level.Invocation}). Finished and started flows are deleted outside the
 * measurement too, so the flow store stays at a steady size instead of filling up over a run.
 */
final class LoginDriver {

    private final Deployment deployment;
    private final Deployment.Account account;

    private @Nullable String startedFlowId;
    private @Nullable String pendingFlowId;
    private @Nullable String pendingResponse;

    LoginDriver(Deployment deployment, String label) {
        this.deployment = deployment;
        this.account = deployment.enrol(label);
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

    void forgetStarted() {
        if (startedFlowId != null) {
            deployment.flows.delete(startedFlowId);
            startedFlowId = null;
        }
    }

    /** Not measured: a started flow and the browser's signed answer to its challenge. */
    void prepareFinish() {
        LoginStep.PasskeyChallenge challenge =
                (LoginStep.PasskeyChallenge) deployment.flow.start(account.identifier(), account.client());
        pendingFlowId = challenge.flowId();
        pendingResponse = account.authenticator().authenticate(challenge.credentialsGetJson());
    }

    /** Measured: the second request of a login, verifying the assertion to completion. */
    LoginStep finish() {
        LoginStep step = deployment.flow.finishPasskey(pendingFlowId, pendingResponse);
        if (!(step instanceof LoginStep.Completed)) {
            throw new IllegalStateException("expected completion, got " + step);
        }
        return step;
    }

    private final java.util.ArrayDeque<String[]> batch = new java.util.ArrayDeque<>();
    private final java.util.List<String> batchFlowIds = new java.util.ArrayList<>();

    /**
     * Not measured: {@code count} started flows with the browser's signed answers, made before an
     * iteration so that no signing runs while another thread is being measured (per-invocation
     * signing on one thread would compete with the other thread's measured work for the 2 cores).
     * Answers are used oldest first, so the authenticator's counter keeps increasing.
     */
    void prepareBatch(int count) {
        for (int i = 0; i < count; i++) {
            LoginStep.PasskeyChallenge challenge =
                    (LoginStep.PasskeyChallenge) deployment.flow.start(account.identifier(), account.client());
            batch.add(new String[] {challenge.flowId(), account.authenticator().authenticate(challenge.credentialsGetJson())});
            batchFlowIds.add(challenge.flowId());
        }
    }

    /** Measured: finishes the next prepared login of the batch. */
    LoginStep finishNextOfBatch() {
        String[] next = batch.poll();
        if (next == null) {
            throw new IllegalStateException("the prepared batch ran out: raise the batch size or shorten iterations");
        }
        LoginStep step = deployment.flow.finishPasskey(next[0], next[1]);
        if (!(step instanceof LoginStep.Completed)) {
            throw new IllegalStateException("expected completion, got " + step);
        }
        return step;
    }

    /** Not measured: deletes the batch's flows, used or not. */
    void forgetBatch() {
        batchFlowIds.forEach(deployment.flows::delete);
        batchFlowIds.clear();
        batch.clear();
    }

    void forgetFinished() {
        if (pendingFlowId != null) {
            deployment.flows.delete(pendingFlowId);
            pendingFlowId = null;
            pendingResponse = null;
        }
    }
}
