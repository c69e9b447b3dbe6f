package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.NullRememberMeServices;
import org.springframework.security.web.authentication.RememberMeServices;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * Adds passkeyflow's login to a {@code SecurityFilterChain}:
 *
 * <pre>{@code
 * http.formLogin(form -> form.loginPage("/login").permitAll())
 *     .with(PasskeyFlowConfigurer.passkeyFlow(), Customizer.withDefaults());
 * }</pre>
 *
 * <p>The endpoints (under {@code /passkeyflow} by default; every POST needs the CSRF token, which
 * the page sends in the header Spring Security names, {@code X-CSRF-TOKEN} by default) answer
 * {@code {"step": ...}} in the browser client's form ({@link dev.passkeyflow.core.web.StepJson}; a
 * completed step's {@code redirect} is the request Spring Security saved, else
 * {@code passkeyflow.completion-redirect}) or RFC 9457 problem details
 * ({@code application/problem+json} with {@code reason} and, for the client, {@code error};
 * {@code THROTTLED} is 429 with {@code Retry-After}):
 *
 * <table>
 *   <caption>endpoints</caption>
 *   <tr><th>request</th><th>body</th><th>library call</th></tr>
 *   <tr><td>POST start</td><td>{@code {identifier, client, rememberMe}}</td><td>{@code start}</td></tr>
 *   <tr><td>POST autofill</td><td>{@code {client}}</td><td>{@code startUsernameless}: a passkey step with
 *       {@code conditional: true} for passkey autofill, kept beside the identifier-first flow</td></tr>
 *   <tr><td>POST autofill-passkey</td><td>{@code credential.toJSON()}</td><td>{@code finishPasskey} on the
 *       autofill flow: signs in the credential's owner, or a fresh conditional step</td></tr>
 *   <tr><td>GET step</td><td></td><td>{@code resume}</td></tr>
 *   <tr><td>POST passkey</td><td>{@code credential.toJSON()}</td><td>{@code finishPasskey}</td></tr>
 *   <tr><td>POST passkey-error</td><td>{@code {name, message, elapsedMillis}}</td><td>{@code reportClientError}</td></tr>
 *   <tr><td>POST immediate-rejection</td><td>{@code {elapsedMillis}}</td><td>{@code reportImmediateRejection}</td></tr>
 *   <tr><td>POST fallback</td><td></td><td>{@code chooseFallback}</td></tr>
 *   <tr><td>POST retry-passkey</td><td></td><td>{@code retryPasskey}</td></tr>
 *   <tr><td>POST password</td><td>{@code {password}}</td><td>the application's check, then
 *       {@code fallbackSucceeded} or {@code fallbackFailed}</td></tr>
 *   <tr><td>POST healing</td><td>{@code credential.toJSON()}</td><td>{@code finishHealing}</td></tr>
 *   <tr><td>POST healing-error</td><td>{@code {name, message, elapsedMillis}}</td><td>{@code reportHealingError}</td></tr>
 *   <tr><td>POST decline</td><td></td><td>{@code declineHealing}</td></tr>
 *   <tr><td>POST silent-declined</td><td></td><td>{@code silentCreateDeclined}: the browser declined a
 *       healing step with {@code silent: true} (conditional create); the explicit offer</td></tr>
 *   <tr><td>POST enrol</td><td>{@code {client}}</td><td>{@code enrol} for the fully signed-in user
 *       (401 for none or a remember-me login)</td></tr>
 *   <tr><td>GET passkeyflow-spring.js</td><td></td><td>the login page's UI (an ES module)</td></tr>
 *   <tr><td>GET passkeyflow-client.js</td><td></td><td>the browser client package it imports</td></tr>
 * </table>
 *
 * <p>The password is checked by a {@link PasskeyFlowUsers} bean, or else by the application's
 * {@link UserDetailsService} with its {@link PasswordEncoder} bean (a delegating encoder when it has
 * none). A user passkeyflow does not know yet is copied into its user table when the password is
 * right. A completed flow signs the user in as form login does, with the chain's own session
 * authentication strategy (session fixation protection, CSRF token renewal), security context
 * repository, remember-me services and request cache.
 */
public final class PasskeyFlowConfigurer extends AbstractHttpConfigurer<PasskeyFlowConfigurer, HttpSecurity> {

    /** Where the endpoints live by default: {@value}. */
    public static final String DEFAULT_BASE_PATH = "/passkeyflow";

    private String basePath = DEFAULT_BASE_PATH;
    private @Nullable PasskeyFlowUsers users;

    private PasskeyFlowConfigurer() {}

    /** A configurer with the defaults, for {@code http.with(passkeyFlow(), Customizer.withDefaults())}. */
    public static PasskeyFlowConfigurer passkeyFlow() {
        return new PasskeyFlowConfigurer();
    }

    /**
     * Where the endpoints live; default {@value #DEFAULT_BASE_PATH}.
     *
     * @throws IllegalArgumentException unless it starts with {@code /}, does not end with one and has no {@code //}
     */
    public PasskeyFlowConfigurer basePath(String value) {
        Objects.requireNonNull(value, "basePath");
        if (!value.startsWith("/") || value.endsWith("/") || value.contains("//") || value.contains("?")) {
            throw new IllegalArgumentException("basePath must look like /passkeyflow, was '" + value + "'");
        }
        this.basePath = value;
        return this;
    }

    /** The application's password check and accounts, instead of the beans found in the context. */
    public PasskeyFlowConfigurer users(PasskeyFlowUsers value) {
        this.users = Objects.requireNonNull(value, "users");
        return this;
    }

    @Override
    public void configure(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        LoginFlow flow = context.getBean(LoginFlow.class);
        JdbcStorage storage = context.getBean(JdbcStorage.class);
        SessionAuthenticationStrategy sessionStrategy = orElse(
                http.getSharedObject(SessionAuthenticationStrategy.class), new ChangeSessionIdAuthenticationStrategy());
        SecurityContextRepository contextRepository = orElse(
                http.getSharedObject(SecurityContextRepository.class),
                new DelegatingSecurityContextRepository(
                        new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository()));
        RememberMeServices rememberMe =
                orElse(http.getSharedObject(RememberMeServices.class), new NullRememberMeServices());
        RequestCache requestCache = orElse(http.getSharedObject(RequestCache.class), new HttpSessionRequestCache());
        SecurityContextHolderStrategy holder = context.getBeanProvider(SecurityContextHolderStrategy.class)
                .getIfUnique(SecurityContextHolder::getContextHolderStrategy);
        PasskeyFlowFilter filter = new PasskeyFlowFilter(
                flow,
                storage.credentials(),
                users(context),
                basePath,
                sessionStrategy,
                contextRepository,
                holder,
                rememberMe,
                requestCache,
                context);
        http.addFilterBefore(filter, UsernamePasswordAuthenticationFilter.class);
    }

    private PasskeyFlowUsers users(ApplicationContext context) {
        if (users != null) {
            return users;
        }
        PasskeyFlowUsers bean = context.getBeanProvider(PasskeyFlowUsers.class).getIfUnique();
        if (bean != null) {
            return bean;
        }
        UserDetailsService details =
                context.getBeanProvider(UserDetailsService.class).getIfUnique();
        if (details == null) {
            throw new IllegalStateException("passkeyFlow() needs a PasskeyFlowUsers bean or one UserDetailsService "
                    + "bean to check passwords and load the users it signs in");
        }
        PasswordEncoder encoder = context.getBeanProvider(PasswordEncoder.class)
                .getIfUnique(PasswordEncoderFactories::createDelegatingPasswordEncoder);
        return PasskeyFlowUsers.fromUserDetails(details, encoder);
    }

    private static <T> T orElse(@Nullable T value, T fallback) {
        return value != null ? value : fallback;
    }
}
