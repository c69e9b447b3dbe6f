package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.http.Cookie;
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
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The endpoints under Spring Security's single-page-application CSRF setup ({@code csrf.spa()}: the
 * token in a readable {@code XSRF-TOKEN} cookie, its raw value expected in {@code X-XSRF-TOKEN}),
 * which is why the page script sends the cookie's value when the page has no {@code _csrf} meta tag.
 * Its own context, and no {@code csrf()} request post-processor: that one swaps the CSRF filter's
 * token repository for the rest of the context's life.
 */
@SpringJUnitWebConfig(PasskeyFlowSpaCsrfTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080"
        })
@DisplayName("PasskeyFlowConfigurer with csrf.spa()")
class PasskeyFlowSpaCsrfTest extends StarterMvcTestSupport {

    static final String PASSWORD = "correct horse battery";
    static final String NO_PLATFORM_AUTHENTICATOR = PasskeyFlowSecurityChainTest.NO_PLATFORM_AUTHENTICATOR;

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
                    .csrf(c -> c.spa())
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
            "csrf.spa(): the XSRF-TOKEN cookie's value in X-XSRF-TOKEN is accepted (what the page script sends without a _csrf meta tag); a masked token in that header is refused")
    void spaCsrf() throws Exception {
        MockHttpSession session = new MockHttpSession();
        // The browser holds the XSRF-TOKEN cookie spa()'s cookie repository set; a template of the page
        // would render the masked form of the same token as ${_csrf.token}.
        Cookie xsrf = new Cookie("XSRF-TOKEN", UUID.randomUUID().toString());
        MvcResult page = mvc.perform(get("/home").session(session).cookie(xsrf)).andReturn();
        String masked = ((CsrfToken) page.getRequest().getAttribute("_csrf")).getToken();
        assertThat(masked).isNotEqualTo(xsrf.getValue());
        String start = "{\"identifier\":\"" + alice + "\",\"client\":" + NO_PLATFORM_AUTHENTICATOR + "}";

        MockHttpServletResponse refused = mvc.perform(post("/passkeyflow/start")
                        .session(session)
                        .cookie(xsrf)
                        .header("X-XSRF-TOKEN", masked)
                        .contentType("application/json")
                        .content(start))
                .andReturn()
                .getResponse();
        MockHttpServletResponse accepted = mvc.perform(post("/passkeyflow/start")
                        .session(session)
                        .cookie(xsrf)
                        .header("X-XSRF-TOKEN", xsrf.getValue())
                        .contentType("application/json")
                        .content(start))
                .andReturn()
                .getResponse();

        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(accepted.getStatus()).as(accepted.getContentAsString()).isEqualTo(200);
        assertThat(json.readTree(accepted.getContentAsString())
                        .path("step")
                        .path("type")
                        .asText())
                .isEqualTo("fallback");
    }
}
