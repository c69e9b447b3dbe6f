package dev.passkeyflow.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.web.StepJson;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.UserAccount;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * The endpoints that are more than one {@link LoginFlow} call on the session's flow: starting a
 * flow (identifier-first, autofill, enrol), the application's password check, and the answer every
 * endpoint writes ({@code {"step": ...}}, a completed step signed in through
 * {@link SpringSecurityLogin}).
 */
final class FlowEndpoints {

    private final LoginFlow flow;
    private final CredentialRepository credentials;
    private final PasskeyFlowUsers users;
    private final FlowRequests requests;
    private final SpringSecurityLogin login;
    private final SecurityContextHolderStrategy contextHolder;
    private final ProblemDetails problems;
    private final ObjectMapper json;
    private final SecureRandom random;
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    FlowEndpoints(
            LoginFlow flow,
            CredentialRepository credentials,
            PasskeyFlowUsers users,
            FlowRequests requests,
            SpringSecurityLogin login,
            SecurityContextHolderStrategy contextHolder,
            ProblemDetails problems,
            ObjectMapper json,
            SecureRandom random) {
        this.flow = flow;
        this.credentials = credentials;
        this.users = users;
        this.requests = requests;
        this.login = login;
        this.contextHolder = contextHolder;
        this.problems = problems;
        this.json = json;
        this.random = random;
    }

    /** {@code POST start}: {@code {identifier, client, rememberMe}}. */
    void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = requests.object(request);
        String identifier = FlowRequests.text(body, "identifier", "{identifier, client}");
        LoginStep step = flow.start(identifier, requests.client(request, response, body.get("client")));
        FlowSession.begin(
                request,
                new FlowSession.Current(
                        step.flowId(),
                        PasskeyFlowFilter.normalize(identifier),
                        body.path("rememberMe").asBoolean(false),
                        false));
        answer(request, response, step);
    }

    /**
     * {@code POST autofill}: {@code {client}}; a usernameless flow ({@link LoginFlow#startUsernameless})
     * whose conditional challenge the page runs on its identifier field. It is kept beside the
     * session's identifier-first flow, not in its place.
     */
    void startAutofill(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = requests.object(request);
        LoginStep step = flow.startUsernameless(requests.client(request, response, body.get("client")));
        request.getSession().setAttribute(FlowSession.AUTOFILL_FLOW_ID, step.flowId());
        answer(request, response, step);
    }

    /**
     * {@code POST autofill-passkey}: the credential the person picked from the field's suggestions.
     * A verified one signs in its owner (the account comes from its user handle); otherwise the
     * answer is a fresh conditional challenge with the flow's signals.
     */
    void finishAutofill(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String flowId = FlowSession.autofillFlowId(request);
        LoginStep step;
        try {
            step = flow.finishPasskey(flowId, FlowRequests.body(request));
        } catch (LoginFlowException e) {
            if (e.reason() != LoginFlowException.Reason.THROTTLED) {
                // out of attempts, expired or changed: the page starts a new one
                FlowSession.forgetAutofill(request);
            }
            throw e;
        }
        answer(request, response, step);
    }

    /** {@code POST password}: the application checks it; passkeyflow hears only whether it was right. */
    void password(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // One read: the password is checked for exactly the account whose flow it completes.
        FlowSession.Current current = current(request);
        String flowId = current.flowId();
        String identifier = current.identifier();
        String password = FlowRequests.text(requests.object(request), "password", "{password}");
        LoginStep step;
        if (users.passwordMatches(identifier, password)) {
            mirror(identifier);
            step = flow.fallbackSucceeded(flowId);
        } else {
            step = flow.fallbackFailed(flowId);
        }
        answer(request, response, step);
    }

    /**
     * {@code POST enrol}: a fully signed-in user (not by remember-me) adds a passkey on this device
     * ({@link LoginFlow#enrol}); 401 otherwise.
     */
    void enrol(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String identifier = signedIn();
        if (identifier == null) {
            problems.writeUnauthorized(request, response);
            return;
        }
        JsonNode body = requests.object(request);
        mirror(identifier);
        LoginStep step = flow.enrol(identifier, requests.client(request, response, body.get("client")));
        FlowSession.begin(request, new FlowSession.Current(step.flowId(), identifier, false, true));
        answer(request, response, step);
    }

    /** The session's identifier-first (or enrol) flow id, for a call on that flow ({@link #current}). */
    String flowId(HttpServletRequest request) {
        return current(request).flowId();
    }

    /**
     * The session's identifier-first (or enrol) flow. An enrolment is vouched for by the user signed
     * in when it started, so it answers only while that user is still the one signed in: after a
     * sign-out that kept the session, or another account's login over it, the next person at the
     * browser must not add a passkey to the first account. Such a flow is {@code UNKNOWN_FLOW}
     * (and the filter forgets it).
     */
    private FlowSession.Current current(HttpServletRequest request) {
        FlowSession.Current current = FlowSession.current(request);
        if (current.enrolment() && !current.identifier().equals(signedIn())) {
            throw new LoginFlowException(
                    LoginFlowException.Reason.UNKNOWN_FLOW,
                    "the user who started this enrolment is no longer signed in");
        }
        return current;
    }

    /**
     * The normalised name of the user fully signed in to this request, if any. A remember-me login
     * does not count (Spring Security's {@code fullyAuthenticated()}): a stolen long-lived cookie
     * must not become a passkey, which outlives the cookie and a password change.
     */
    private @Nullable String signedIn() {
        Authentication current = contextHolder.getContext().getAuthentication();
        if (current == null
                || !current.isAuthenticated()
                || trust.isAnonymous(current)
                || trust.isRememberMe(current)) {
            return null;
        }
        return PasskeyFlowFilter.normalize(current.getName());
    }

    /**
     * Writes {@code {"step": ...}} ({@link StepJson}); a passkey step also says {@code conditional}
     * (an autofill challenge), a healing step {@code silent} (conditional create: the page shows
     * nothing and posts {@code silent-declined} if the browser declines), a completed one carries the
     * {@code redirect} the login chose.
     */
    void answer(HttpServletRequest request, HttpServletResponse response, LoginStep step) throws IOException {
        String redirect = null;
        if (step instanceof LoginStep.Completed completed) {
            redirect = login.complete(request, response, completed);
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        ObjectNode stepJson = StepJson.toJson(step);
        if (step instanceof LoginStep.PasskeyChallenge challenge) {
            stepJson.put("conditional", challenge.conditional());
        }
        if (step instanceof LoginStep.HealingOffer offer) {
            stepJson.put("silent", offer.silent());
        }
        if (redirect != null) {
            stepJson.put("redirect", redirect);
        }
        ObjectNode body = json.createObjectNode();
        body.set("step", stepJson);
        json.writeValue(response.getOutputStream(), body);
    }

    /**
     * Copies an account the application knows into passkeyflow's user table the first time it
     * authenticates, with a random user handle (no personal data in it).
     */
    private void mirror(String identifier) {
        if (identifier.isEmpty() || credentials.findUserByIdentifier(identifier).isPresent()) {
            return;
        }
        byte[] handle = new byte[32];
        random.nextBytes(handle);
        try {
            credentials.saveUser(new UserAccount(Bytes.of(handle), identifier, users.displayName(identifier)));
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.DUPLICATE) {
                throw e;
            }
            // another request mirrored the same account first: that one is used
        }
    }
}
