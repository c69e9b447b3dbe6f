package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
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
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * A chain that allows one session per user and refuses a second login: a passkeyflow login goes
 * through the same session authentication strategy as the form login, so it cannot bypass the
 * limit (Spring Security's own passkey login once did: spring-projects/spring-security#16685).
 */
@SpringJUnitWebConfig(PasskeyFlowMaxSessionsTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080",
            "passkeyflow.completion-redirect=/home"
        })
@DisplayName("PasskeyFlowConfigurer in a chain with maximumSessions(1).maxSessionsPreventsLogin(true)")
class PasskeyFlowMaxSessionsTest extends StarterMvcTestSupport {

    static final String PASSWORD = "correct horse battery";
    static final String NO_PLATFORM = "{\"userVerifyingPlatformAuthenticator\":false}";

    @Configuration
    @EnableWebMvc
    @EnableWebSecurity
    @ImportAutoConfiguration(PasskeyFlowAutoConfiguration.class)
    static class App {
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
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .formLogin(f -> f.loginPage("/login").permitAll())
                    .sessionManagement(s -> s.maximumSessions(1).maxSessionsPreventsLogin(true))
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
            "a second passkeyflow login of a user who already has a session is refused with 401, and that session stays anonymous")
    void secondLoginRefused() throws Exception {
        MockHttpSession first = new MockHttpSession();
        MockHttpServletResponse one = passwordLogin(first);
        assertThat(one.getStatus()).isEqualTo(200);
        assertThat(signedIn(first)).isEqualTo(alice);

        MockHttpSession second = new MockHttpSession();
        MockHttpServletResponse two = passwordLogin(second);

        assertThat(two.getStatus()).isEqualTo(401);
        assertThat(two.getContentType()).isEqualTo("application/problem+json");
        assertThat(signedIn(second)).isNull();
        assertThat(second.getAttribute(FlowSession.FLOW_ID)).isNull();
    }

    private MockHttpServletResponse passwordLogin(MockHttpSession session) throws Exception {
        MockHttpServletResponse start = mvc.perform(post("/passkeyflow/start")
                        .session(session)
                        .with(csrf())
                        .contentType("application/json")
                        .content("{\"identifier\":\"" + alice + "\",\"client\":" + NO_PLATFORM + "}"))
                .andReturn()
                .getResponse();
        JsonNode step = json.readTree(start.getContentAsString()).get("step");
        assertThat(step.path("type").asText()).isEqualTo("fallback");
        return mvc.perform(post("/passkeyflow/password")
                        .session(session)
                        .with(csrf())
                        .contentType("application/json")
                        .content("{\"password\":\"" + PASSWORD + "\"}"))
                .andReturn()
                .getResponse();
    }
}
