package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.LoginFlowException;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@DisplayName("ProblemDetails (RFC 9457)")
class ProblemDetailsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ProblemDetails problems = new ProblemDetails(json);

    @ParameterizedTest(name = "{0}")
    @EnumSource(LoginFlowException.Reason.class)
    @DisplayName(
            "every LoginFlowException reason is a problem document with its status, type, title and reason, and never the exception's message")
    void everyReason(LoginFlowException.Reason reason) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/passkeyflow/password");
        MockHttpServletResponse response = new MockHttpServletResponse();

        problems.write(request, response, new LoginFlowException(reason, "secret-detail alice@example.com"));

        int expected = switch (reason) {
            case INVALID_INPUT -> 400;
            case UNKNOWN_FLOW, UNKNOWN_USER -> 404;
            case ILLEGAL_TRANSITION, CONFLICT -> 409;
            case LOCKED -> 423;
            case THROTTLED -> 429;
            case STORAGE_FAILURE -> 503;
        };
        assertThat(response.getStatus()).isEqualTo(expected);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        String body = response.getContentAsString();
        assertThat(body).doesNotContain("secret-detail").doesNotContain("alice");
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("status").asInt()).isEqualTo(expected);
        assertThat(problem.path("type").asText())
                .isEqualTo("urn:passkeyflow:problem:"
                        + reason.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("instance").asText()).isEqualTo("/passkeyflow/password");
        assertThat(problem.path("reason").asText()).isEqualTo(reason.name());
        assertThat(problem.path("error").asText())
                .startsWith(problem.path("title").asText());
    }

    @Test
    @DisplayName("the titles of the reasons are all different, so the page can tell them apart")
    void distinctTitles() {
        assertThat(java.util.Arrays.stream(LoginFlowException.Reason.values()).map(ProblemDetails::title))
                .doesNotHaveDuplicates();
    }

    @Test
    @DisplayName(
            "a refusal with a retry time gets Retry-After in whole seconds, at least 1, and the minutes in its detail")
    void retryAfter() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        problems.write(
                new MockHttpServletRequest("POST", "/passkeyflow/start"),
                response,
                LoginFlowException.throttled("slow down", Duration.ofMillis(61_500)));

        assertThat(response.getHeader("Retry-After")).isEqualTo("61");
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("retryAfterSeconds").asLong()).isEqualTo(61);
        assertThat(problem.path("detail").asText()).isEqualTo("Try again in 2 minute(s).");
    }
}
