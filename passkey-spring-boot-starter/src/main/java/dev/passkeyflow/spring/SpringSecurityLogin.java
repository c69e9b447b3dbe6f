package dev.passkeyflow.spring;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.UserAccount;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.RememberMeServices;
import org.springframework.security.web.authentication.rememberme.AbstractRememberMeServices;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * Completes the Spring Security login for a completed flow, as Spring Security's own login filters
 * do: the session id changes (session fixation protection and a fresh CSRF token, by the configured
 * session authentication strategy), the context is saved by the configured repository, remember-me
 * hears of the success, and an {@link InteractiveAuthenticationSuccessEvent} is published.
 */
final class SpringSecurityLogin {

    private static final Logger LOG = LoggerFactory.getLogger(SpringSecurityLogin.class);

    private final CredentialRepository credentials;
    private final PasskeyFlowUsers users;
    private final SessionAuthenticationStrategy sessionStrategy;
    private final SecurityContextRepository contextRepository;
    private final SecurityContextHolderStrategy contextHolder;
    private final RememberMeServices rememberMe;
    private final RequestCache requestCache;
    private final ApplicationEventPublisher events;

    SpringSecurityLogin(
            CredentialRepository credentials,
            PasskeyFlowUsers users,
            SessionAuthenticationStrategy sessionStrategy,
            SecurityContextRepository contextRepository,
            SecurityContextHolderStrategy contextHolder,
            RememberMeServices rememberMe,
            RequestCache requestCache,
            ApplicationEventPublisher events) {
        this.credentials = credentials;
        this.users = users;
        this.sessionStrategy = sessionStrategy;
        this.contextRepository = contextRepository;
        this.contextHolder = contextHolder;
        this.rememberMe = rememberMe;
        this.requestCache = requestCache;
        this.events = events;
    }

    /**
     * Signs in the flow's account and ends the session's flows. A flow that a signed-in session
     * started ({@code enrol}) changes nobody's login.
     *
     * @return where the page goes next: the request Spring Security saved, else the flow's redirect
     * @throws LoginFlowException {@code UNKNOWN_USER} when the flow's account is gone
     * @throws org.springframework.security.core.AuthenticationException when the application refuses the account
     */
    String complete(HttpServletRequest request, HttpServletResponse response, LoginStep.Completed completed) {
        HttpSession session = request.getSession(false);
        Object started = session == null ? null : session.getAttribute(FlowSession.FLOW_ID);
        // "Remember me" belongs to the identifier-first flow it was posted with, not to an autofill one.
        boolean remember = started instanceof FlowSession.Current current
                && current.flowId().equals(completed.flowId())
                && current.rememberMe();
        FlowSession.forgetFlow(request);
        FlowSession.forgetAutofill(request);
        if (completed.method() == AuthenticationMethod.HOST_SESSION) {
            return completed.redirectTo();
        }
        // A passkey login's account comes from the verified credential's user handle.
        Bytes userHandle = completed.userHandle();
        Optional<UserAccount> account =
                userHandle == null ? Optional.empty() : credentials.findUserByHandle(userHandle);
        // An account the host knows but passkeyflow does not: the identifier of the completed flow
        // itself, never one read from the session, which another request may have changed since.
        String who = account.map(UserAccount::identifier)
                .orElse(
                        completed.method() == AuthenticationMethod.FALLBACK
                                        && !completed.identifier().isEmpty()
                                ? completed.identifier()
                                : null);
        if (who == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_USER, "no account for the completed flow");
        }
        Authentication authentication = users.authenticated(who);
        sessionStrategy.onAuthentication(authentication, request, response);
        SecurityContext context = contextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        contextHolder.setContext(context);
        contextRepository.saveContext(context, request, response);
        rememberMe.loginSuccess(
                remember ? new RememberMeRequested(request, rememberMeParameter()) : request, response, authentication);
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
        return rememberMe instanceof AbstractRememberMeServices services
                ? services.getParameter()
                : AbstractRememberMeServices.DEFAULT_PARAMETER;
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
}
