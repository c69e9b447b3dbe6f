package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlowException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * What the endpoints keep in the HTTP session: the flow ids (never taken from a request, so a
 * result belongs to the session that started its flow), the identifier typed, the remember-me
 * choice. An autofill flow ({@code LoginFlow.startUsernameless}) has its own attribute: the page
 * may hold one beside an identifier-first flow, and each must end without ending the other.
 */
final class FlowSession {

    static final String FLOW_ID = FlowSession.class.getName() + ".flowId";
    static final String AUTOFILL_FLOW_ID = FlowSession.class.getName() + ".autofillFlowId";
    static final String IDENTIFIER = FlowSession.class.getName() + ".identifier";
    static final String REMEMBER_ME = FlowSession.class.getName() + ".rememberMe";

    private FlowSession() {
    }

    /** The identifier-first (or enrol) flow of this session. */
    static String flowId(HttpServletRequest request) {
        return attribute(request, FLOW_ID, "no flow in this session");
    }

    /** The autofill flow of this session. */
    static String autofillFlowId(HttpServletRequest request) {
        return attribute(request, AUTOFILL_FLOW_ID, "no autofill flow in this session");
    }

    private static String attribute(HttpServletRequest request, String name, String missing) {
        HttpSession session = request.getSession(false);
        Object flowId = session == null ? null : session.getAttribute(name);
        if (!(flowId instanceof String id)) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, missing);
        }
        return id;
    }

    /** Ends the identifier-first (or enrol) flow of this session. */
    static void forgetFlow(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(FLOW_ID);
            session.removeAttribute(IDENTIFIER);
            session.removeAttribute(REMEMBER_ME);
        }
    }

    /** Ends the autofill flow of this session. */
    static void forgetAutofill(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(AUTOFILL_FLOW_ID);
        }
    }
}
