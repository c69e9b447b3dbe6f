package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The login completed by passkeyflow in a chain configured the way applications change Spring
 * Security's defaults: their own {@link SecurityContextRepository} and
 * {@code sessionFixation().newSession()}. Since Spring Security 6 a login filter must save the
 * context itself (spring-projects/spring-security#11110, #13225: custom logins that only set the
 * holder look signed in for one request and anonymous on the next), so the tests check the next
 * request of the session, not only the answer of the login.
 */
@SpringJUnitWebConfig(PasskeyFlowSecurityChainTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080",
            "passkeyflow.completion-redirect=/home"
        })
@DisplayName("PasskeyFlowConfigurer in a chain with its own context repository and session fixation policy")
class PasskeyFlowSecurityChainTest extends StarterMvcTestSupport {

    static final String PASSWORD = "correct horse battery";
    /** A computer without a platform authenticator: the password completes the login, no offer. */
    static final String NO_PLATFORM_AUTHENTICATOR = "{\"userVerifyingPlatformAuthenticator\":false}";

    /** The application's own repository: the session one, recording who it saved. */
    static final class RecordingRepository implements SecurityContextRepository {
        final HttpSessionSecurityContextRepository delegate = new HttpSessionSecurityContextRepository();
        final List<String> saved = new CopyOnWriteArrayList<>();

        @Override
        public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
            return delegate.loadDeferredContext(request);
        }

        @Override
        @SuppressWarnings("deprecation") // the interface's old method must still be implemented
        public SecurityContext loadContext(
                org.springframework.security.web.context.HttpRequestResponseHolder requestResponseHolder) {
            return delegate.loadContext(requestResponseHolder);
        }

        @Override
        public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
            if (context.getAuthentication() != null) {
                saved.add(context.getAuthentication().getName());
            }
            delegate.saveContext(context, request, response);
        }

        @Override
        public boolean containsContext(HttpServletRequest request) {
            return delegate.containsContext(request);
        }
    }

    @RestController
    static class Home {
        @GetMapping("/home")
        String home(Principal principal) {
            return "hello " + principal.getName();
        }
    }

    @Configuration
    @EnableWebMvc
    @EnableWebSecurity
    @ImportAutoConfiguration(PasskeyFlowAutoConfiguration.class)
    static class App {
        static final RecordingRepository REPOSITORY = new RecordingRepository();

        @Bean
        DataSource dataSource() {
            return PasskeyFlowAutoConfigurationTest.freshH2();
        }

        @Bean
        PasswordEncoder passwordEncoder() {
            return new BCryptPasswordEncoder(4);
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager();
        }

        @Bean
        Home home() {
            return new Home();
        }

        @Bean
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .formLogin(f -> f.loginPage("/login").permitAll())
                    .securityContext(c -> c.securityContextRepository(REPOSITORY))
                    .sessionManagement(s -> s.sessionFixation(f -> f.newSession()))
                    .with(PasskeyFlowConfigurer.passkeyFlow(), Customizer.withDefaults());
            return http.build();
        }
    }

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
    @DisplayName(
            "the chain's own SecurityContextRepository saves the login, and the session's next request is signed in")
    void ownRepositoryAndNextRequest() throws Exception {
        MockHttpSession session = new MockHttpSession();
        MvcResult before = mvc.perform(get("/home").session(session)).andReturn();
        assertThat(before.getResponse().getStatus()).as("not signed in yet").isEqualTo(302);

        MockHttpSession signedIn = passwordLogin(session);

        assertThat(App.REPOSITORY.saved).contains(alice);
        MockHttpServletResponse next =
                mvc.perform(get("/home").session(signedIn)).andReturn().getResponse();
        assertThat(next.getStatus()).isEqualTo(200);
        assertThat(next.getContentAsString()).isEqualTo("hello " + alice);
    }

    @Test
    @DisplayName(
            "sessionFixation().newSession(): the login gets a new session, and the session from before the login stays anonymous")
    void newSessionPolicy() throws Exception {
        MockHttpSession session = new MockHttpSession();

        MockHttpSession signedIn = passwordLogin(session);

        assertThat(session.isInvalid())
                .as("the pre-login session is invalidated")
                .isTrue();
        assertThat(signedIn).isNotSameAs(session);
        assertThat(signedIn.getId()).isNotEqualTo(session.getId());
        MockHttpSession stale = new MockHttpSession(context.getServletContext(), session.getId());
        assertThat(mvc.perform(get("/home").session(stale))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(302);
    }

    /** Identifier and the right password; returns the session the login ended in. */
    private MockHttpSession passwordLogin(MockHttpSession session) throws Exception {
        mvc.perform(post("/passkeyflow/start")
                        .session(session)
                        .contentType("application/json")
                        .with(csrf())
                        .content("{\"identifier\":\"" + alice + "\",\"client\":" + NO_PLATFORM_AUTHENTICATOR + "}"))
                .andReturn();
        MvcResult result = mvc.perform(post("/passkeyflow/password")
                        .session(session)
                        .contentType("application/json")
                        .with(csrf())
                        .content("{\"password\":\"" + PASSWORD + "\"}"))
                .andReturn();
        assertThat(result.getResponse().getStatus())
                .as(result.getResponse().getContentAsString())
                .isEqualTo(200);
        JsonNode step = json.readTree(result.getResponse().getContentAsString()).get("step");
        assertThat(step.path("type").asText()).isEqualTo("completed");
        return (MockHttpSession) result.getRequest().getSession(false);
    }
}
