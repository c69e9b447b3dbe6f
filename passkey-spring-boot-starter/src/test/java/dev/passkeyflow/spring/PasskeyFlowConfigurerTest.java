package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

@SpringJUnitWebConfig(PasskeyFlowConfigurerTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080",
            "passkeyflow.throttle.max-failures-per-identifier=3",
            "passkeyflow.completion-redirect=/home"
        })
@DisplayName("PasskeyFlowConfigurer in a SecurityFilterChain (MockMvc)")
class PasskeyFlowConfigurerTest extends StarterMvcTestSupport {

    static final String PASSWORD = "correct horse battery";
    /** What a browser with a platform authenticator reports. */
    static final String CLIENT = "{\"userVerifyingPlatformAuthenticator\":true,"
            + "\"capabilities\":{\"passkeyPlatformAuthenticator\":true,\"hybridTransport\":true}}";

    @Configuration
    @EnableWebMvc
    @EnableWebSecurity
    @ImportAutoConfiguration(PasskeyFlowAutoConfiguration.class)
    static class App {
        /** Who Spring Security's login events named, in order. */
        static final List<String> SIGNED_IN = new CopyOnWriteArrayList<>();

        @EventListener
        void signedIn(InteractiveAuthenticationSuccessEvent event) {
            SIGNED_IN.add(event.getAuthentication().getName());
        }

        @Bean
        DataSource dataSource() {
            return PasskeyFlowAutoConfigurationTest.freshH2();
        }

        @Bean
        PasswordEncoder passwordEncoder() {
            return new BCryptPasswordEncoder(4);
        }

        @Bean
        InMemoryUserDetailsManager users(PasswordEncoder encoder) {
            return new InMemoryUserDetailsManager();
        }

        @Bean
        SecurityFilterChain chain(HttpSecurity http, UserDetailsService users) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .formLogin(f -> f.loginPage("/login").permitAll())
                    .rememberMe(r -> r.key("test-only-key").userDetailsService(users))
                    .with(PasskeyFlowConfigurer.passkeyFlow(), Customizer.withDefaults());
            return http.build();
        }
    }

    @Autowired
    JdbcStorage storage;

    String alice;

    @BeforeEach
    void setUp() {
        alice = "alice-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        users.createUser(User.withUsername(alice)
                .password(encoder.encode(PASSWORD))
                .roles("USER")
                .build());
    }

    @Test
    @DisplayName("a POST without the CSRF token is refused with 403 and starts nothing")
    void csrfEnforced() throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse refused = mvc.perform(post("/passkeyflow/start")
                        .session(session)
                        .contentType("application/json")
                        .content(startBody(alice, false)))
                .andReturn()
                .getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNull();

        JsonNode accepted = call(session, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        assertThat(accepted.path("type").asText()).isEqualTo("fallback");
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNotNull();
    }

    @Test
    @DisplayName(
            "a right password through the application's UserDetailsService signs in: new session id, saved context, remember-me, the account mirrored")
    void passwordLogin() throws Exception {
        MockHttpSession session = new MockHttpSession();
        assertThat(storage.credentials().findUserByIdentifier(alice)).isEmpty();
        // A computer without a platform authenticator: no passkey offer after the password.
        JsonNode step = call(
                session,
                post("/passkeyflow/start")
                        .content(startBody(
                                alice.toUpperCase(java.util.Locale.ROOT),
                                true,
                                "{\"userVerifyingPlatformAuthenticator\":false}")),
                200);
        assertThat(step.path("type").asText()).isEqualTo("fallback");
        assertThat(step.path("reason").asText()).isEqualTo("PASSKEY_NOT_AVAILABLE");
        String before = session.getId();

        MockHttpServletResponse response = mvc.perform(
                        with(session, post("/passkeyflow/password").content("{\"password\":\"" + PASSWORD + "\"}")))
                .andReturn()
                .getResponse();
        JsonNode done = json.readTree(response.getContentAsString()).get("step");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(done.path("method").asText()).isEqualTo("FALLBACK");
        assertThat(done.path("redirect").asText()).isEqualTo("/home");
        assertThat(session.getId()).isNotEqualTo(before);
        assertThat(signedIn(session)).isEqualTo(alice);
        assertThat(response.getCookie("remember-me")).isNotNull();
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNull();
        assertThat(storage.credentials().findUserByIdentifier(alice)).isPresent();
        assertThat(App.SIGNED_IN).containsOnlyOnce(alice);
    }

    @Test
    @DisplayName("a wrong password is the application's answer: the password step again, nobody signed in")
    void wrongPassword() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        JsonNode step = call(session, post("/passkeyflow/password").content("{\"password\":\"guess\"}"), 200);
        assertThat(step.path("type").asText()).isEqualTo("fallback");
        assertThat(step.path("reason").asText()).isEqualTo("FALLBACK_FAILED");
        assertThat(step.path("remainingAttempts").asInt()).isEqualTo(4);
        assertThat(signedIn(session)).isNull();
    }

    @Test
    @DisplayName("password guesses past the throttle get 429 problem details with Retry-After, even the right password")
    void throttled() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        for (int i = 0; i < 3; i++) {
            call(session, post("/passkeyflow/password").content("{\"password\":\"guess\"}"), 200);
        }
        MockHttpServletResponse response = mvc.perform(
                        with(session, post("/passkeyflow/password").content("{\"password\":\"" + PASSWORD + "\"}")))
                .andReturn()
                .getResponse();
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(Long.parseLong(response.getHeader("Retry-After"))).isPositive();
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("reason").asText()).isEqualTo("THROTTLED");
        assertThat(problem.path("type").asText()).isEqualTo("urn:passkeyflow:problem:throttled");
        assertThat(problem.path("retryAfterSeconds").asLong())
                .isEqualTo(Long.parseLong(response.getHeader("Retry-After")));
        assertThat(problem.path("error").asText()).startsWith("Too many attempts; please wait. Try again in ");
        assertThat(signedIn(session)).isNull();
    }

    @Test
    @DisplayName("problem details for bad input (400) and for a request without a flow in its session (404)")
    void problems() throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse bad = mvc.perform(
                        with(session, post("/passkeyflow/start").content("[1,2]")))
                .andReturn()
                .getResponse();
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(json.readTree(bad.getContentAsString()).path("reason").asText())
                .isEqualTo("INVALID_INPUT");

        MockHttpServletResponse noFlow = mvc.perform(
                        with(session, post("/passkeyflow/passkey").content("{}")))
                .andReturn()
                .getResponse();
        assertThat(noFlow.getStatus()).isEqualTo(404);
        assertThat(noFlow.getContentType()).isEqualTo("application/problem+json");
        assertThat(json.readTree(noFlow.getContentAsString()).path("reason").asText())
                .isEqualTo("UNKNOWN_FLOW");
    }

    @Test
    @DisplayName(
            "first password login offers a passkey; the next login is by passkey and signs in the credential's owner")
    void passkeyLogin() throws Exception {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        MockHttpSession first = new MockHttpSession();
        call(first, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        JsonNode offer = call(first, post("/passkeyflow/password").content("{\"password\":\"" + PASSWORD + "\"}"), 200);
        assertThat(offer.path("type").asText()).isEqualTo("healing");
        assertThat(offer.path("kind").asText()).isEqualTo("FIRST_PASSKEY");
        String created = authenticator.register(wrap(offer));
        JsonNode healed = call(first, post("/passkeyflow/healing").content(created), 200);
        assertThat(healed.path("type").asText()).isEqualTo("completed");
        assertThat(healed.path("healing").asText()).isEqualTo("HEALED");
        assertThat(signedIn(first)).isEqualTo(alice);

        MockHttpSession second = new MockHttpSession();
        JsonNode challenge = call(second, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        assertThat(challenge.path("type").asText()).isEqualTo("passkey");
        String before = second.getId();
        JsonNode done =
                call(second, post("/passkeyflow/passkey").content(authenticator.authenticate(wrap(challenge))), 200);
        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(done.path("method").asText()).isEqualTo("PASSKEY");
        assertThat(done.path("signals").findValuesAsText("method")).contains("signalAllAcceptedCredentials");
        assertThat(second.getId()).isNotEqualTo(before);
        assertThat(signedIn(second)).isEqualTo(alice);
    }

    @Test
    @DisplayName(
            "autofill: a conditional challenge beside the identifier-first flow; the picked passkey signs in its owner, without the other flow's remember-me")
    void autofillLogin() throws Exception {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        firstPasskey(authenticator);

        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(alice, true)), 200);
        Object identifierFlow = session.getAttribute(FlowSession.FLOW_ID);
        JsonNode conditional = call(session, post("/passkeyflow/autofill").content("{\"client\":" + CLIENT + "}"), 200);
        assertThat(conditional.path("type").asText()).isEqualTo("passkey");
        assertThat(conditional.path("conditional").asBoolean()).isTrue();
        assertThat(conditional.path("autoStart").asBoolean()).isFalse();
        assertThat(conditional.path("publicKey").path("allowCredentials").size())
                .isZero();
        assertThat(session.getAttribute(FlowSession.FLOW_ID))
                .as("the identifier-first flow is kept")
                .isEqualTo(identifierFlow);
        String before = session.getId();

        MockHttpServletResponse response = mvc.perform(with(
                        session,
                        post("/passkeyflow/autofill-passkey").content(authenticator.authenticate(wrap(conditional)))))
                .andReturn()
                .getResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode done = json.readTree(response.getContentAsString()).get("step");
        // "Remember me" was posted with the identifier-first flow, not with the autofill one.
        assertThat(response.getCookie("remember-me")).isNull();

        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(done.path("method").asText()).isEqualTo("PASSKEY");
        assertThat(done.path("redirect").asText()).isEqualTo("/home");
        assertThat(session.getId()).as("session fixation protection").isNotEqualTo(before);
        assertThat(signedIn(session)).isEqualTo(alice);
        assertThat(session.getAttribute(FlowSession.AUTOFILL_FLOW_ID)).isNull();
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNull();
    }

    @Test
    @DisplayName(
            "autofill: a passkey no account owns gets a fresh conditional challenge with signalUnknownCredential, and nobody is signed in")
    void autofillUnknownCredential() throws Exception {
        SoftwareAuthenticator stranger = SoftwareAuthenticator.forOrigin(ORIGIN);
        MockHttpSession session = new MockHttpSession();
        JsonNode conditional = call(session, post("/passkeyflow/autofill").content("{}"), 200);
        // A passkey for this site that the server never stored.
        stranger.register(creationOptions());

        JsonNode retry = call(
                session, post("/passkeyflow/autofill-passkey").content(stranger.authenticate(wrap(conditional))), 200);

        assertThat(retry.path("type").asText()).isEqualTo("passkey");
        assertThat(retry.path("conditional").asBoolean()).isTrue();
        assertThat(retry.path("publicKey").path("challenge").asText())
                .isNotEqualTo(conditional.path("publicKey").path("challenge").asText());
        assertThat(retry.path("signals").findValuesAsText("method")).containsExactly("signalUnknownCredential");
        assertThat(signedIn(session)).isNull();
    }

    @Test
    @DisplayName(
            "autofill-passkey without an autofill flow in the session is a 404 problem and keeps the identifier-first flow")
    void autofillWithoutFlow() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        Object identifierFlow = session.getAttribute(FlowSession.FLOW_ID);

        JsonNode problem = call(session, post("/passkeyflow/autofill-passkey").content("{}"), 404);

        assertThat(problem.path("reason").asText()).isEqualTo("UNKNOWN_FLOW");
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isEqualTo(identifierFlow);
    }

    @Test
    @DisplayName(
            "remember-me on a passkey login: the cookie when the page asked for it with the identifier, none when it did not")
    void passkeyLoginRememberMe() throws Exception {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        firstPasskey(authenticator);
        for (boolean remember : new boolean[] {true, false}) {
            MockHttpSession session = new MockHttpSession();
            JsonNode challenge = call(session, post("/passkeyflow/start").content(startBody(alice, remember)), 200);
            MockHttpServletResponse response = mvc.perform(with(
                            session, post("/passkeyflow/passkey").content(authenticator.authenticate(wrap(challenge)))))
                    .andReturn()
                    .getResponse();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(signedIn(session)).isEqualTo(alice);
            assertThat(response.getCookie("remember-me"))
                    .as("remember-me " + remember)
                    .satisfies(cookie -> {
                        if (remember) {
                            assertThat(cookie).isNotNull();
                            assertThat(cookie.getMaxAge()).isPositive();
                        } else {
                            assertThat(cookie).isNull();
                        }
                    });
        }
    }

    @Test
    @DisplayName("the autofill endpoints keep CSRF: without the token 403, and no autofill flow is started")
    void autofillNeedsCsrf() throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse refused = mvc.perform(post("/passkeyflow/autofill")
                        .session(session)
                        .contentType("application/json")
                        .content("{}"))
                .andReturn()
                .getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(session.getAttribute(FlowSession.AUTOFILL_FLOW_ID)).isNull();
        MockHttpServletResponse finish = mvc.perform(post("/passkeyflow/autofill-passkey")
                        .session(session)
                        .contentType("application/json")
                        .content("{}"))
                .andReturn()
                .getResponse();
        assertThat(finish.getStatus()).isEqualTo(403);
    }

    @Test
    @DisplayName("enrol needs a signed-in user: 401 without one")
    void enrolNeedsLogin() throws Exception {
        MockHttpServletResponse response = mvc.perform(
                        with(new MockHttpSession(), post("/passkeyflow/enrol").content("{}")))
                .andReturn()
                .getResponse();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
    }

    @Test
    @DisplayName("the login page's UI module and the browser client package it imports are served without sign-in")
    void scripts() throws Exception {
        MockHttpServletResponse ui = mvc.perform(get("/passkeyflow/passkeyflow-spring.js"))
                .andReturn()
                .getResponse();
        assertThat(ui.getStatus()).isEqualTo(200);
        assertThat(ui.getContentType()).startsWith("text/javascript");
        assertThat(ui.getContentAsString()).contains("from './passkeyflow-client.js'");
        MockHttpServletResponse client = mvc.perform(get("/passkeyflow/passkeyflow-client.js"))
                .andReturn()
                .getResponse();
        assertThat(client.getStatus()).isEqualTo(200);
        assertThat(client.getContentAsString())
                .contains("export class PasskeyFlowClient")
                .contains("navigator.credentials.get");
    }

    // ------------------------------------------------------------------ helpers

    /** Alice's first password login, whose offer the authenticator accepts. */
    private void firstPasskey(SoftwareAuthenticator authenticator) throws Exception {
        MockHttpSession first = new MockHttpSession();
        call(first, post("/passkeyflow/start").content(startBody(alice, false)), 200);
        JsonNode offer = call(first, post("/passkeyflow/password").content("{\"password\":\"" + PASSWORD + "\"}"), 200);
        call(first, post("/passkeyflow/healing").content(authenticator.register(wrap(offer))), 200);
    }

    /** Creation options for this RP and a user the server does not know. */
    private static String creationOptions() {
        return "{\"publicKey\":{\"rp\":{\"id\":\"localhost\",\"name\":\"Test\"},"
                + "\"user\":{\"id\":\"c3RyYW5nZXI\",\"name\":\"stranger\",\"displayName\":\"stranger\"},"
                + "\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7}],"
                + "\"authenticatorSelection\":{\"residentKey\":\"required\",\"userVerification\":\"preferred\"}}}";
    }

    private String startBody(String identifier, boolean rememberMe) {
        return startBody(identifier, rememberMe, CLIENT);
    }

    private String startBody(String identifier, boolean rememberMe, String client) {
        return "{\"identifier\":\"" + identifier + "\",\"rememberMe\":" + rememberMe + ",\"client\":" + client + "}";
    }
}
