package dev.passkeyflow.core;

/**
 * Receives {@link LoginFlowEvent}s. Called synchronously on the request thread after the flow's
 * state is stored; keep it quick. A listener that throws is logged at WARN and ignored: it never
 * breaks a login.
 */
@FunctionalInterface
public interface LoginFlowListener {

    void onEvent(LoginFlowEvent event);
}
