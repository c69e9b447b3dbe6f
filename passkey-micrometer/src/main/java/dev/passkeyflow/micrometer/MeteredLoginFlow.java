package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import org.jspecify.annotations.Nullable;

/** A {@link LoginFlow} whose every call goes through {@link PasskeyFlowMetrics#timed}; nothing else changes. */
final class MeteredLoginFlow implements LoginFlow {

    private final LoginFlow delegate;
    private final PasskeyFlowMetrics metrics;

    MeteredLoginFlow(LoginFlow delegate, PasskeyFlowMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public LoginStep start(String identifier, ClientContext client) {
        return metrics.timed("start", () -> delegate.start(identifier, client));
    }

    @Override
    public LoginStep enrol(String identifier, ClientContext client) {
        return metrics.timed("enrol", () -> delegate.enrol(identifier, client));
    }

    @Override
    public LoginStep resume(String flowId) {
        return metrics.timed("resume", () -> delegate.resume(flowId));
    }

    @Override
    public LoginStep reportClientError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        return metrics.timed("report_client_error",
                () -> delegate.reportClientError(flowId, errorName, message, elapsedMillis));
    }

    @Override
    public LoginStep reportImmediateRejection(String flowId, long elapsedMillis) {
        return metrics.timed("report_immediate_rejection", () -> delegate.reportImmediateRejection(flowId, elapsedMillis));
    }

    @Override
    public LoginStep finishPasskey(String flowId, String responseJson) {
        return metrics.timed("finish_passkey", () -> delegate.finishPasskey(flowId, responseJson));
    }

    @Override
    public LoginStep chooseFallback(String flowId) {
        return metrics.timed("choose_fallback", () -> delegate.chooseFallback(flowId));
    }

    @Override
    public LoginStep retryPasskey(String flowId) {
        return metrics.timed("retry_passkey", () -> delegate.retryPasskey(flowId));
    }

    @Override
    public LoginStep fallbackSucceeded(String flowId) {
        return metrics.timed("fallback_succeeded", () -> delegate.fallbackSucceeded(flowId));
    }

    @Override
    public LoginStep fallbackFailed(String flowId) {
        return metrics.timed("fallback_failed", () -> delegate.fallbackFailed(flowId));
    }

    @Override
    public LoginStep finishHealing(String flowId, String responseJson) {
        return metrics.timed("finish_healing", () -> delegate.finishHealing(flowId, responseJson));
    }

    @Override
    public LoginStep reportHealingError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        return metrics.timed("report_healing_error",
                () -> delegate.reportHealingError(flowId, errorName, message, elapsedMillis));
    }

    @Override
    public LoginStep declineHealing(String flowId) {
        return metrics.timed("decline_healing", () -> delegate.declineHealing(flowId));
    }

    @Override
    public String toString() {
        return "MeteredLoginFlow[" + delegate + "]";
    }
}
