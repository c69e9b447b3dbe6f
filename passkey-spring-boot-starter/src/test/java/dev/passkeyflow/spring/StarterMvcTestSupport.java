package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * What the starter's MockMvc tests share: the application's security filter chain as MockMvc (built
 * before each test), the application's own user store and password encoder, and JSON calls made in
 * one session as the page script makes them (CSRF token, {@code Origin}).
 */
abstract class StarterMvcTestSupport {

    static final String ORIGIN = "http://localhost:8080";

    @Autowired
    WebApplicationContext context;

    @Autowired
    InMemoryUserDetailsManager users;

    @Autowired
    PasswordEncoder encoder;

    final ObjectMapper json = new ObjectMapper();
    MockMvc mvc;

    @BeforeEach
    void buildMockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .apply(springSecurity())
                .build();
    }

    /** {@code request} in {@code session}, as JSON, with the CSRF token and the page's origin. */
    static MockHttpServletRequestBuilder with(MockHttpSession session, MockHttpServletRequestBuilder request) {
        return request.session(session)
                .contentType("application/json")
                .header("Origin", ORIGIN)
                .with(csrf());
    }

    /** Makes the call, checks its status, and returns the step (200) or the problem document. */
    JsonNode call(MockHttpSession session, MockHttpServletRequestBuilder request, int status) throws Exception {
        MockHttpServletResponse response =
                mvc.perform(with(session, request)).andReturn().getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
        JsonNode body = json.readTree(response.getContentAsString());
        return status == 200 ? body.get("step") : body;
    }

    /** The name Spring Security's saved context of {@code session} holds, or {@code null}. */
    static @Nullable String signedIn(MockHttpSession session) {
        Object context = session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        return context instanceof SecurityContext c && c.getAuthentication() != null
                ? c.getAuthentication().getName()
                : null;
    }

    /** A step's {@code publicKey} back in the {@code {"publicKey": ...}} wrapper the flow hands out. */
    static String wrap(JsonNode step) {
        return "{\"publicKey\":" + step.get("publicKey") + "}";
    }
}
