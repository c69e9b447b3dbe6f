package dev.passkeyflow.spring;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.RememberMeServices;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The login flow's JSON endpoints inside the Spring Security filter chain, after the CSRF filter
 * (so every POST needs the page's CSRF token). This class routes each request to one
 * {@link LoginFlow} call and turns refusals into problem details; the parts are
 * {@link FlowRequests} (reading), {@link FlowSession} (the flow ids, never taken from a request),
 * {@link FlowEndpoints} (the calls and their answers), {@link SpringSecurityLogin} (completing the
 * login), {@link ProblemDetails} and {@link PageScripts}. Built by {@link PasskeyFlowConfigurer},
 * which documents the endpoints.
 */
final class PasskeyFlowFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(PasskeyFlowFilter.class);

    private final LoginFlow flow;
    private final String basePath;
    private final ObjectMapper json = new ObjectMapper();
    private final FlowRequests requests;
    private final FlowEndpoints endpoints;
    private final ProblemDetails problems = new ProblemDetails(json);
    private final PageScripts scripts = new PageScripts();
    private final Map<String, Endpoint> routes;

    PasskeyFlowFilter(
            LoginFlow flow,
            CredentialRepository credentials,
            PasskeyFlowUsers users,
            String basePath,
            SessionAuthenticationStrategy sessionStrategy,
            SecurityContextRepository contextRepository,
            SecurityContextHolderStrategy contextHolder,
            RememberMeServices rememberMe,
            RequestCache requestCache,
            ApplicationEventPublisher events) {
        this.flow = flow;
        this.basePath = basePath;
        SecureRandom random = new SecureRandom();
        this.requests = new FlowRequests(json, random);
        SpringSecurityLogin login = new SpringSecurityLogin(
                credentials,
                users,
                sessionStrategy,
                contextRepository,
                contextHolder,
                rememberMe,
                requestCache,
                events);
        this.endpoints =
                new FlowEndpoints(flow, credentials, users, requests, login, contextHolder, problems, json, random);
        this.routes = routeTable();
    }

    /** The flow's identifier normalisation: trimmed and lower-cased. */
    static String normalize(String identifier) {
        return identifier.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(basePath + "/")) {
            chain.doFilter(request, response);
            return;
        }
        String action = request.getMethod() + " " + path.substring(basePath.length() + 1);
        Endpoint endpoint = routes.get(action);
        if (endpoint == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            endpoint.handle(request, response);
        } catch (LoginFlowException e) {
            LOG.info("{} {}: {}", request.getMethod(), path, e.reason());
            boolean ended = e.reason() == LoginFlowException.Reason.UNKNOWN_FLOW
                    || e.reason() == LoginFlowException.Reason.LOCKED;
            if (ended && !action.startsWith("POST autofill")) {
                FlowSession.forgetFlow(request);
            }
            problems.write(request, response, e);
        } catch (StorageException e) {
            LOG.warn("{} {}: storage failed ({})", request.getMethod(), path, e.reason());
            problems.write(
                    request,
                    response,
                    new LoginFlowException(LoginFlowException.Reason.STORAGE_FAILURE, "storage failed"));
        } catch (AuthenticationException e) {
            // The flow completed, but the application refuses the account now (disabled, locked, gone).
            LOG.info(
                    "{} {}: the application refused the account ({})",
                    request.getMethod(),
                    path,
                    e.getClass().getSimpleName());
            FlowSession.forgetFlow(request);
            FlowSession.forgetAutofill(request);
            problems.writeUnauthorized(request, response);
        }
    }

    /** One endpoint of the table: it answers the request it is given. */
    @FunctionalInterface
    interface Endpoint {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    /** A call on the session's flow (its id from {@link FlowEndpoints#flowId}) whose step is the answer. */
    @FunctionalInterface
    interface FlowCall {
        LoginStep call(String flowId, HttpServletRequest request) throws IOException;
    }

    private Endpoint onFlow(FlowCall call) {
        return (request, response) ->
                endpoints.answer(request, response, call.call(endpoints.flowId(request), request));
    }

    /** The route table, {@code "METHOD path"} (path below the base path) to its endpoint. */
    private Map<String, Endpoint> routeTable() {
        return Map.ofEntries(
                entry("GET " + PageScripts.UI_SCRIPT, (request, response) -> scripts.serveUi(response)),
                entry("GET " + PageScripts.CLIENT_SCRIPT, (request, response) -> scripts.serveClient(response)),
                entry("POST start", endpoints::start),
                entry("POST autofill", endpoints::startAutofill),
                entry("POST autofill-passkey", endpoints::finishAutofill),
                entry("GET step", onFlow((id, request) -> flow.resume(id))),
                entry("POST passkey", onFlow((id, request) -> flow.finishPasskey(id, FlowRequests.body(request)))),
                entry("POST passkey-error", onFlow((id, request) -> {
                    FlowRequests.ClientError e = requests.clientError(request);
                    return flow.reportClientError(id, e.name(), e.message(), e.elapsedMillis());
                })),
                entry(
                        "POST immediate-rejection",
                        onFlow((id, request) ->
                                flow.reportImmediateRejection(id, FlowRequests.elapsed(requests.object(request))))),
                entry("POST fallback", onFlow((id, request) -> flow.chooseFallback(id))),
                entry("POST retry-passkey", onFlow((id, request) -> flow.retryPasskey(id))),
                entry("POST password", endpoints::password),
                entry("POST healing", onFlow((id, request) -> flow.finishHealing(id, FlowRequests.body(request)))),
                entry("POST healing-error", onFlow((id, request) -> {
                    FlowRequests.ClientError e = requests.clientError(request);
                    return flow.reportHealingError(id, e.name(), e.message(), e.elapsedMillis());
                })),
                entry("POST decline", onFlow((id, request) -> flow.declineHealing(id))),
                entry("POST silent-declined", onFlow((id, request) -> flow.silentCreateDeclined(id))),
                entry("POST enrol", endpoints::enrol));
    }

    /** The routes as {@code "METHOD path"} below the base path (docs/openapi-spring-starter.yaml lists the same). */
    Set<String> routes() {
        return routes.keySet();
    }
}
