package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlowException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;

/**
 * What the endpoints keep in the HTTP session: the flow ids (never taken from a request, so a
 * result belongs to the session that started its flow), the identifier typed, the remember-me
 * choice. The identifier-first flow, its identifier and its remember-me choice are one immutable
 * {@link Current} in one attribute, read once per request: kept apart, a start racing a password
 * post in the same session could pair one flow with another identifier, and a password checked for
 * one account would complete the other's flow. An autofill flow ({@code LoginFlow.startUsernameless}) has its own attribute: the page
 * may hold one beside an identifier-first flow, and each must end without ending the other.
 */
final class FlowSession {

    static final String FLOW_ID = FlowSession.class.getName() + ".flowId";
    static final String AUTOFILL_FLOW_ID = FlowSession.class.getName() + ".autofillFlowId";

    private FlowSession() {}

    /**
     * The identifier-first (or enrol) flow of a session, as the request that started it wrote it.
     * Serializable, for sessions kept outside the JVM.
     *
     * @param identifier the normalised identifier the flow was started for
     * @param rememberMe whether the page asked for remember-me with that identifier
     * @param enrolment whether the signed-in user {@code identifier} started it ({@code POST enrol}):
     *     then it is theirs only while they are the one signed in
     */
    record Current(String flowId, String identifier, boolean rememberMe, boolean enrolment) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Makes {@code current} the identifier-first (or enrol) flow of the request's session. */
    static void begin(HttpServletRequest request, Current current) {
        request.getSession().setAttribute(FLOW_ID, current);
    }

    /** The identifier-first (or enrol) flow of this session, its identifier and remember-me choice. */
    static Current current(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object current = session == null ? null : session.getAttribute(FLOW_ID);
        if (!(current instanceof Current c)) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no flow in this session");
        }
        return c;
    }

    /** The autofill flow of this session. */
    static String autofillFlowId(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object flowId = session == null ? null : session.getAttribute(AUTOFILL_FLOW_ID);
        if (!(flowId instanceof String id)) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no autofill flow in this session");
        }
        return id;
    }

    /** Ends the identifier-first (or enrol) flow of this session. */
    static void forgetFlow(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(FLOW_ID);
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
