package dev.passkeyflow.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.client.ClientAsset;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.web.ClientContextReader;
import dev.passkeyflow.core.web.StepJson;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.UserAccount;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.RememberMeServices;
import org.springframework.security.web.authentication.rememberme.AbstractRememberMeServices;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The login flow's JSON endpoints inside the Spring Security filter chain, after the CSRF filter
 * (so every POST needs the page's CSRF token). Each request makes one {@link LoginFlow} call; the
 * flow id lives in the HTTP session and is never taken from the request. Built by
 * {@link PasskeyFlowConfigurer}, which documents the endpoints.
 */
final class PasskeyFlowFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(PasskeyFlowFilter.class);

    static final String FLOW_ID = PasskeyFlowFilter.class.getName() + ".flowId";
    static final String IDENTIFIER = PasskeyFlowFilter.class.getName() + ".identifier";
    static final String REMEMBER_ME = PasskeyFlowFilter.class.getName() + ".rememberMe";
    static final String DEVICE_COOKIE = "pkf_device";
    /** Chrome caps cookie lifetimes at 400 days. */
    static final int DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;
    /** The flow refuses responses over 64 KiB by default; bodies are read up to this bound. */
    static final int MAX_BODY_BYTES = 128 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    /** The login page's UI module (this starter's) and the browser client package it imports. */
    static final String UI_SCRIPT = "passkeyflow-spring.js";
    static final String CLIENT_SCRIPT = ClientAsset.MODULE_FILE;

    private final LoginFlow flow;
    private final CredentialRepository credentials;
    private final PasskeyFlowUsers users;
    private final String basePath;
    private final String defaultRedirect;
    private final SessionAuthenticationStrategy sessionStrategy;
    private final SecurityContextRepository contextRepository;
    private final SecurityContextHolderStrategy contextHolder;
    private final RememberMeServices rememberMe;
    private final RequestCache requestCache;
    private final ApplicationEventPublisher events;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final byte[] uiScript;
    private final byte[] clientScript;

    PasskeyFlowFilter(LoginFlow flow, CredentialRepository credentials, PasskeyFlowUsers users, String basePath,
            String defaultRedirect, SessionAuthenticationStrategy sessionStrategy,
            SecurityContextRepository contextRepository, SecurityContextHolderStrategy contextHolder,
            RememberMeServices rememberMe, RequestCache requestCache, ApplicationEventPublisher events) {
        this.flow = flow;
        this.credentials = credentials;
        this.users = users;
        this.basePath = basePath;
        this.defaultRedirect = defaultRedirect;
        this.sessionStrategy = sessionStrategy;
        this.contextRepository = contextRepository;
        this.contextHolder = contextHolder;
        this.rememberMe = rememberMe;
        this.requestCache = requestCache;
        this.events = events;
        this.uiScript = read(PasskeyFlowFilter.class.getResource(UI_SCRIPT));
        this.clientScript = read(PasskeyFlowFilter.class.getClassLoader().getResource(ClientAsset.classpathResource()));
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
        try {
            switch (action) {
                case "GET " + UI_SCRIPT -> serveScript(response, uiScript);
                case "GET " + CLIENT_SCRIPT -> serveScript(response, clientScript);
                case "POST start" -> start(request, response);
                case "GET step" -> answer(request, response, flow.resume(flowId(request)));
                case "POST passkey" -> answer(request, response, flow.finishPasskey(flowId(request), body(request)));
                case "POST passkey-error" -> {
                    ClientError e = ClientError.from(json, body(request));
                    answer(request, response, flow.reportClientError(flowId(request), e.name(), e.message(),
                            e.elapsedMillis()));
                }
                case "POST immediate-rejection" -> answer(request, response, flow.reportImmediateRejection(
                        flowId(request), ClientError.elapsed(readObject(body(request)))));
                case "POST fallback" -> answer(request, response, flow.chooseFallback(flowId(request)));
                case "POST retry-passkey" -> answer(request, response, flow.retryPasskey(flowId(request)));
                case "POST password" -> password(request, response);
                case "POST healing" -> answer(request, response, flow.finishHealing(flowId(request), body(request)));
                case "POST healing-error" -> {
                    ClientError e = ClientError.from(json, body(request));
                    answer(request, response, flow.reportHealingError(flowId(request), e.name(), e.message(),
                            e.elapsedMillis()));
                }
                case "POST decline" -> answer(request, response, flow.declineHealing(flowId(request)));
                case "POST enrol" -> enrol(request, response);
                default -> chain.doFilter(request, response);
            }
        } catch (LoginFlowException e) {
            LOG.info("{} {}: {}", request.getMethod(), path, e.reason());
            if (e.reason() == LoginFlowException.Reason.UNKNOWN_FLOW || e.reason() == LoginFlowException.Reason.LOCKED) {
                forgetFlow(request);
            }
            Problems.write(json, request, response, e);
        } catch (StorageException e) {
            LOG.warn("{} {}: storage failed ({})", request.getMethod(), path, e.reason());
            Problems.write(json, request, response, new LoginFlowException(
                    LoginFlowException.Reason.STORAGE_FAILURE, "storage failed"));
        } catch (AuthenticationException e) {
            // The flow completed, but the application refuses the account now (disabled, locked, gone).
            LOG.info("{} {}: the application refused the account ({})", request.getMethod(), path,
                    e.getClass().getSimpleName());
            forgetFlow(request);
            Problems.writeUnauthorized(json, request, response);
        }
    }

    // ------------------------------------------------------------------ the endpoints

    private void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = readObject(body(request));
        JsonNode identifier = body.get("identifier");
        if (identifier == null || !identifier.isTextual()) {
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected {identifier, client}");
        }
        LoginStep step = flow.start(identifier.textValue(), client(request, response, body.get("client")));
        HttpSession session = request.getSession();
        session.setAttribute(FLOW_ID, step.flowId());
        session.setAttribute(IDENTIFIER, normalize(identifier.textValue()));
        session.setAttribute(REMEMBER_ME, body.path("rememberMe").asBoolean(false));
        answer(request, response, step);
    }

    /** The application checks the password; passkeyflow hears only whether it was right. */
    private void password(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String flowId = flowId(request);
        String identifier = Objects.requireNonNullElse(
                (String) request.getSession().getAttribute(IDENTIFIER), "");
        JsonNode password = readObject(body(request)).get("password");
        if (password == null || !password.isTextual()) {
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected {password}");
        }
        LoginStep step;
        if (users.passwordMatches(identifier, password.textValue())) {
            mirror(identifier);
            step = flow.fallbackSucceeded(flowId);
        } else {
            step = flow.fallbackFailed(flowId);
        }
        answer(request, response, step);
    }

    /** A signed-in user adds a passkey on this device ({@link LoginFlow#enrol}). */
    private void enrol(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Authentication current = contextHolder.getContext().getAuthentication();
        if (current == null || !current.isAuthenticated() || current instanceof AnonymousAuthenticationToken) {
            Problems.writeUnauthorized(json, request, response);
            return;
        }
        JsonNode body = readObject(body(request));
        String identifier = normalize(current.getName());
        mirror(identifier);
        LoginStep step = flow.enrol(identifier, client(request, response, body.get("client")));
        HttpSession session = request.getSession();
        session.setAttribute(FLOW_ID, step.flowId());
        session.setAttribute(IDENTIFIER, identifier);
        answer(request, response, step);
    }

    // ------------------------------------------------------------------ steps

    private void answer(HttpServletRequest request, HttpServletResponse response, LoginStep step) throws IOException {
        String redirect = defaultRedirect;
        if (step instanceof LoginStep.Completed completed) {
            redirect = complete(request, response, completed);
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        ObjectNode stepJson = StepJson.toJson(step);
        if (step instanceof LoginStep.Completed) {
            stepJson.put("redirect", redirect);
        }
        ObjectNode body = json.createObjectNode();
        body.set("step", stepJson);
        json.writeValue(response.getOutputStream(), body);
    }

    /**
     * Signs the user in as Spring Security's own login filters do: the session id changes (session
     * fixation protection and a fresh CSRF token, by the configured session authentication
     * strategy), the context is saved by the configured repository, remember-me hears of the
     * success, and an {@link InteractiveAuthenticationSuccessEvent} is published. A flow that a signed-in session started ({@code enrol}) changes nobody's login.
     *
     * @return where the page goes next: the request Spring Security saved, else the flow's redirect
     */
    private String complete(HttpServletRequest request, HttpServletResponse response, LoginStep.Completed completed) {
        HttpSession session = request.getSession();
        boolean remember = Boolean.TRUE.equals(session.getAttribute(REMEMBER_ME));
        String identifier = (String) session.getAttribute(IDENTIFIER);
        forgetFlow(request);
        if (completed.method() == AuthenticationMethod.HOST_SESSION) {
            return completed.redirectTo();
        }
        // A passkey login's account comes from the verified credential's user handle.
        Bytes userHandle = completed.userHandle();
        Optional<UserAccount> account = userHandle == null ? Optional.empty() : credentials.findUserByHandle(userHandle);
        String who = account.map(UserAccount::identifier).orElse(completed.method() == AuthenticationMethod.FALLBACK
                ? identifier : null);
        if (who == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_USER, "no account for the completed flow");
        }
        Authentication authentication = users.authenticated(who);
        sessionStrategy.onAuthentication(authentication, request, response);
        SecurityContext context = contextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        contextHolder.setContext(context);
        contextRepository.saveContext(context, request, response);
        rememberMe.loginSuccess(remember ? new RememberMeRequested(request, rememberMeParameter()) : request,
                response, authentication);
        // As Spring Security's own login filters do, for the application's audit listeners.
        events.publishEvent(new InteractiveAuthenticationSuccessEvent(authentication, PasskeyFlowFilter.class));
        LOG.debug("signed in by passkeyflow ({}, healing {})", completed.method(), completed.healing());
        SavedRequest saved = requestCache.getRequest(request, response);
        if (saved != null) {
            requestCache.removeRequest(request, response);
            return saved.getRedirectUrl();
        }
        return completed.redirectTo();
    }

    private String rememberMeParameter() {
        return rememberMe instanceof AbstractRememberMeServices services ? services.getParameter()
                : AbstractRememberMeServices.DEFAULT_PARAMETER;
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

    // ------------------------------------------------------------------ request parts

    private static String flowId(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object flowId = session == null ? null : session.getAttribute(FLOW_ID);
        if (!(flowId instanceof String id)) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no flow in this session");
        }
        return id;
    }

    private static void forgetFlow(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(FLOW_ID);
            session.removeAttribute(IDENTIFIER);
            session.removeAttribute(REMEMBER_ME);
        }
    }

    private ClientContext client(HttpServletRequest request, HttpServletResponse response, @Nullable JsonNode client) {
        String deviceId = null;
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (DEVICE_COOKIE.equals(cookie.getName()) && TOKEN.matcher(cookie.getValue()).matches()) {
                    deviceId = cookie.getValue();
                }
            }
        }
        if (deviceId == null) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            deviceId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            response.addHeader("Set-Cookie", DEVICE_COOKIE + "=" + deviceId + "; Path=/; Max-Age="
                    + DEVICE_COOKIE_MAX_AGE + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : ""));
        }
        return ClientContextReader.read(request::getHeader, client == null ? null : client.toString(), deviceId);
    }

    private static String body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "request body too large");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private JsonNode readObject(String body) {
        try {
            JsonNode node = body.isBlank() ? json.createObjectNode() : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // no cause: the exception would quote the request
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected a JSON object");
        }
    }

    private static void serveScript(HttpServletResponse response, byte[] script) throws IOException {
        response.setContentType("text/javascript;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write(script);
    }

    private static byte[] read(@Nullable URL resource) {
        if (resource == null) {
            throw new IllegalStateException("a page script is missing from the class path (passkey-client-js "
                    + "or passkey-spring-boot-starter is incomplete)");
        }
        try (InputStream in = resource.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The error a ceremony ended with, as the page posts it: {@code {name, message, elapsedMillis}}. */
    record ClientError(String name, @Nullable String message, long elapsedMillis) {
        static ClientError from(ObjectMapper json, String body) {
            JsonNode node;
            try {
                node = json.readTree(body);
            } catch (JsonProcessingException e) {
                node = null;
            }
            if (node == null || !node.isObject() || !node.path("name").isTextual()) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT,
                        "expected {name, message, elapsedMillis}");
            }
            JsonNode message = node.get("message");
            return new ClientError(node.get("name").textValue(),
                    message != null && message.isTextual() ? message.textValue() : null, elapsed(node));
        }

        static long elapsed(JsonNode node) {
            JsonNode elapsed = node.get("elapsedMillis");
            return elapsed != null && elapsed.canConvertToLong() && elapsed.longValue() >= 0 ? elapsed.longValue() : -1;
        }
    }

    /** Makes remember-me services see the choice the page posted with the identifier. */
    private static final class RememberMeRequested extends HttpServletRequestWrapper {
        private final String parameter;

        RememberMeRequested(HttpServletRequest request, String parameter) {
            super(request);
            this.parameter = parameter;
        }

        @Override
        public @Nullable String getParameter(String name) {
            return parameter.equals(name) ? "true" : super.getParameter(name);
        }
    }

    /** RFC 9457 problem details for refused calls. */
    static final class Problems {

        private Problems() {
        }

        /** The HTTP status of each reason. */
        static int status(LoginFlowException.Reason reason) {
            return switch (reason) {
                case INVALID_INPUT -> 400;
                case UNKNOWN_FLOW, UNKNOWN_USER -> 404;
                case ILLEGAL_TRANSITION, CONFLICT -> 409;
                case LOCKED -> 423;
                case THROTTLED -> 429;
                case STORAGE_FAILURE -> 503;
            };
        }

        static String title(LoginFlowException.Reason reason) {
            return switch (reason) {
                case INVALID_INPUT -> "The request was not understood";
                case UNKNOWN_FLOW -> "This sign-in has expired; please start again";
                case UNKNOWN_USER -> "No such account";
                case ILLEGAL_TRANSITION -> "This sign-in has moved on; please reload";
                case CONFLICT -> "Another request changed this sign-in; please reload";
                case LOCKED -> "Too many wrong passwords: this sign-in is locked";
                case THROTTLED -> "Too many attempts; please wait";
                case STORAGE_FAILURE -> "Please try again";
            };
        }

        static void write(ObjectMapper json, HttpServletRequest request, HttpServletResponse response,
                LoginFlowException e) throws IOException {
            int status = status(e.reason());
            ObjectNode problem = json.createObjectNode();
            problem.put("type", "urn:passkeyflow:problem:" + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            problem.put("title", title(e.reason()));
            problem.put("status", status);
            problem.put("instance", request.getRequestURI());
            problem.put("reason", e.reason().name());
            // "error": the message the browser client shows (its servererror event).
            String message = title(e.reason()) + ".";
            Optional<Duration> retryAfter = e.retryAfter();
            if (retryAfter.isPresent()) {
                long seconds = Math.max(1, retryAfter.get().toSeconds());
                response.setHeader("Retry-After", Long.toString(seconds));
                problem.put("retryAfterSeconds", seconds);
                String detail = "Try again in " + Math.max(1, (seconds + 59) / 60) + " minute(s).";
                problem.put("detail", detail);
                message += " " + detail;
            }
            problem.put("error", message);
            send(json, response, status, problem);
        }

        static void writeUnauthorized(ObjectMapper json, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            ObjectNode problem = json.createObjectNode();
            problem.put("type", "urn:passkeyflow:problem:unauthorized");
            problem.put("title", "This account cannot sign in");
            problem.put("status", 401);
            problem.put("instance", request.getRequestURI());
            problem.put("error", "This account cannot sign in.");
            send(json, response, 401, problem);
        }

        private static void send(ObjectMapper json, HttpServletResponse response, int status, ObjectNode problem)
                throws IOException {
            response.setStatus(status);
            response.setContentType("application/problem+json");
            response.setHeader("Cache-Control", "no-store");
            json.writeValue(response.getOutputStream(), problem);
        }
    }
}
