package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.core.testsupport.TestData;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("LoginFlow.Builder")
class LoginFlowBuilderTest {

    private final MutableClock clock = new MutableClock(TestData.T0);
    private final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    private final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    private final InMemoryFlowStateRepository flows = new InMemoryFlowStateRepository(clock);

    private LoginFlow.Builder valid() {
        return LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin("https://example.com")
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(flows)
                .clock(clock);
    }

    @Test
    @DisplayName("a complete configuration builds a flow")
    void validConfigurationBuilds() {
        assertThat(valid().build()).isNotNull();
    }

    @Nested
    @DisplayName("rpId")
    class RpId {

        @ParameterizedTest(name = "''{0}'' is rejected")
        @ValueSource(
                strings = {
                    "https://example.com",
                    "example.com:8443",
                    "example.com/login",
                    " example.com",
                    "example.com ",
                    "localhost:8080"
                })
        @DisplayName("must be a bare domain: a scheme, port, path or surrounding space is rejected, naming the value")
        void rejectsNonBareDomains(String value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().rpId(value))
                    .withMessageContaining("'" + value + "'");
        }

        @ParameterizedTest(name = "''{0}'' is rejected")
        @ValueSource(strings = {"", " ", "\t"})
        @DisplayName("must not be blank")
        void rejectsBlank(String value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().rpId(value))
                    .withMessageContaining("rpId")
                    .withMessageContaining("'" + value + "'");
        }

        @Test
        @DisplayName("must not be null")
        void rejectsNull() {
            assertThatNullPointerException()
                    .isThrownBy(() -> LoginFlow.builder().rpId(null))
                    .withMessage("rpId");
        }

        @Test
        @DisplayName("is compared case-insensitively with the origins' hosts")
        void isLowerCased() {
            assertThatCode(() -> valid().rpId("EXAMPLE.com")
                            .origin("https://login.example.com")
                            .build())
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("rpName")
    class RpName {

        @Test
        @DisplayName("must not be blank")
        void rejectsBlank() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().rpName("  "))
                    .withMessageContaining("rpName");
        }
    }

    @Nested
    @DisplayName("origin")
    class Origin {

        @ParameterizedTest(name = "''{0}'' is rejected")
        @ValueSource(
                strings = {
                    "http://example.com",
                    "ftp://example.com",
                    "wss://example.com",
                    "example.com",
                    "https://example.com/",
                    "https://example.com/login",
                    "http://127.0.0.1:8080",
                    "http://localhost.evil.example",
                    "https:///path",
                    "https://example.com?next=/x",
                    "https://example.com#top",
                    "https://user@example.com"
                })
        @DisplayName("must be https://host[:port] (no path, query, fragment or user), naming the value")
        void rejectsNonOrigins(String value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().origin(value))
                    .withMessageContaining("'" + value + "'");
        }

        @Test
        @DisplayName("that is not a URI at all is rejected, naming the value")
        void rejectsNonUri() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().origin("https://exa mple.com"))
                    .withMessageContaining("not a URI")
                    .withMessageContaining("'https://exa mple.com'");
        }

        @ParameterizedTest(name = "''{0}'' is accepted")
        @ValueSource(
                strings = {
                    "https://example.com",
                    "https://login.example.com:8443",
                    "http://localhost",
                    "http://localhost:8080",
                    "https://localhost:8443"
                })
        @DisplayName("accepts https origins, and http only for localhost")
        void acceptsOrigins(String value) {
            assertThatCode(() -> LoginFlow.builder().origin(value)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("an http origin on localhost builds with the rpId localhost")
        void localhostBuilds() {
            assertThatCode(() -> LoginFlow.builder()
                            .rpId("localhost")
                            .rpName("Dev")
                            .origin("http://localhost:8080")
                            .credentialRepository(credentials)
                            .loginAttemptRepository(attempts)
                            .flowStateRepository(flows)
                            .build())
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("durations")
    class Durations {

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(strings = {"PT0S", "PT-1S", "PT-10M", "PT10M0.001S", "PT1H"})
        @DisplayName("ceremonyTimeout must be positive and at most 10 minutes, naming the value")
        void ceremonyTimeoutBounds(String value) {
            Duration duration = Duration.parse(value);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().ceremonyTimeout(duration))
                    .withMessageContaining("ceremonyTimeout")
                    .withMessageContaining(duration.toString());
        }

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(strings = {"PT0S", "PT-1S", "PT1H0.001S", "P1D"})
        @DisplayName("flowTimeToLive must be positive and at most 1 hour, naming the value")
        void flowTimeToLiveBounds(String value) {
            Duration duration = Duration.parse(value);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().flowTimeToLive(duration))
                    .withMessageContaining("flowTimeToLive")
                    .withMessageContaining(duration.toString());
        }

        @Test
        @DisplayName("the upper bounds themselves are accepted")
        void upperBoundsAccepted() {
            assertThatCode(() -> valid().ceremonyTimeout(Duration.ofMinutes(10))
                            .flowTimeToLive(Duration.ofHours(1))
                            .build())
                    .doesNotThrowAnyException();
        }

        @Test
        @DisplayName("null durations are rejected, naming the setting")
        void nullRejected() {
            assertThatNullPointerException()
                    .isThrownBy(() -> LoginFlow.builder().ceremonyTimeout(null))
                    .withMessage("ceremonyTimeout");
            assertThatNullPointerException()
                    .isThrownBy(() -> LoginFlow.builder().flowTimeToLive(null))
                    .withMessage("flowTimeToLive");
        }
    }

    @Nested
    @DisplayName("numeric limits")
    class Limits {

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(ints = {-1, 0, 1023, 1_048_577, Integer.MAX_VALUE})
        @DisplayName("maxResponseBytes must be 1024 to 1048576, naming the value")
        void maxResponseBytes(int value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().maxResponseBytes(value))
                    .withMessageContaining("maxResponseBytes")
                    .withMessageEndingWith("was " + value);
        }

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(ints = {-1, 0, 101})
        @DisplayName("maxFallbackFailures must be 1 to 100, naming the value")
        void maxFallbackFailures(int value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().maxFallbackFailures(value))
                    .withMessageContaining("maxFallbackFailures")
                    .withMessageEndingWith("was " + value);
        }

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(ints = {-1, 0, 21})
        @DisplayName("maxPasskeyAttempts must be 1 to 20, naming the value")
        void maxPasskeyAttempts(int value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().maxPasskeyAttempts(value))
                    .withMessageContaining("maxPasskeyAttempts")
                    .withMessageEndingWith("was " + value);
        }

        @Test
        @DisplayName("the bounds themselves are accepted")
        void boundsAccepted() {
            assertThatCode(() -> valid().maxResponseBytes(1024)
                            .maxResponseBytes(1_048_576)
                            .maxFallbackFailures(1)
                            .maxFallbackFailures(100)
                            .maxPasskeyAttempts(1)
                            .maxPasskeyAttempts(20)
                            .build())
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("completionRedirect")
    class CompletionRedirect {

        @ParameterizedTest(name = "''{0}'' is rejected")
        @ValueSource(
                strings = {
                    "",
                    "dashboard",
                    "https://evil.example/",
                    "//evil.example",
                    "//evil.example/path",
                    "/\\evil.example",
                    "/\\/evil.example",
                    "/\t/evil.example",
                    "/home\n/x",
                    "javascript:alert(1)"
                })
        @DisplayName("must be a local path: absolute, protocol-relative and backslash tricks are rejected")
        void rejectsNonLocal(String value) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoginFlow.builder().completionRedirect(value))
                    .withMessageContaining("completionRedirect")
                    .withMessageContaining("'" + value + "'");
        }

        @ParameterizedTest(name = "''{0}'' is accepted")
        @ValueSource(strings = {"/", "/dashboard", "/account/settings?tab=passkeys", "/app#welcome"})
        @DisplayName("accepts local paths")
        void acceptsLocal(String value) {
            assertThatCode(() -> LoginFlow.builder().completionRedirect(value)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("is the target a completed step names")
        void usedByCompletedStep() {
            LoginFlow flow = valid().completionRedirect("/welcome").build();
            LoginStep started = flow.start("nobody@example.com", ClientContext.unknown());
            LoginStep done = flow.fallbackSucceeded(started.flowId());

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            completed -> assertThat(completed.redirectTo()).isEqualTo("/welcome"));
        }

        @Test
        @DisplayName("defaults to /dashboard")
        void defaultRedirect() {
            LoginFlow flow = valid().build();
            LoginStep started = flow.start("nobody@example.com", ClientContext.unknown());

            assertThat(flow.fallbackSucceeded(started.flowId()))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            completed -> assertThat(completed.redirectTo()).isEqualTo("/dashboard"));
        }
    }

    @Nested
    @DisplayName("other setters")
    class OtherSetters {

        @Test
        @DisplayName("reject null, naming the setting")
        void rejectNull() {
            LoginFlow.Builder builder = LoginFlow.builder();
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.advisor(null))
                    .withMessage("advisor");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.listener(null))
                    .withMessage("listener");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.clock(null))
                    .withMessage("clock");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.credentialRepository(null))
                    .withMessage("credentialRepository");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.loginAttemptRepository(null))
                    .withMessage("loginAttemptRepository");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.flowStateRepository(null))
                    .withMessage("flowStateRepository");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.userVerification(null))
                    .withMessage("userVerification");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.residentKey(null))
                    .withMessage("residentKey");
            assertThatNullPointerException()
                    .isThrownBy(() -> builder.identifierNormalizer(null))
                    .withMessage("identifierNormalizer");
        }
    }

    @Nested
    @DisplayName("build()")
    class Build {

        @Test
        @DisplayName("names rpId first when nothing is set")
        void rpIdFirst() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder().build())
                    .withMessage("rpId is required");
        }

        @Test
        @DisplayName("names rpName when only the rpId is set")
        void rpNameSecond() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder().rpId("example.com").build())
                    .withMessage("rpName is required");
        }

        @Test
        @DisplayName("names the origins when they are missing")
        void originsThird() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder()
                            .rpId("example.com")
                            .rpName("Example")
                            .build())
                    .withMessage("at least one origin is required");
        }

        @Test
        @DisplayName("names credentialRepository when no repository is set")
        void credentialRepositoryMissing() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder()
                            .rpId("example.com")
                            .rpName("Example")
                            .origin("https://example.com")
                            .build())
                    .withMessage("credentialRepository is required");
        }

        @Test
        @DisplayName("names exactly the one repository that is missing")
        void eachRepositoryNamed() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder()
                            .rpId("example.com")
                            .rpName("Example")
                            .origin("https://example.com")
                            .credentialRepository(credentials)
                            .flowStateRepository(flows)
                            .build())
                    .withMessage("loginAttemptRepository is required");
            assertThatIllegalStateException()
                    .isThrownBy(() -> LoginFlow.builder()
                            .rpId("example.com")
                            .rpName("Example")
                            .origin("https://example.com")
                            .credentialRepository(credentials)
                            .loginAttemptRepository(attempts)
                            .build())
                    .withMessage("flowStateRepository is required");
        }

        @ParameterizedTest(name = "{0} is not on example.com")
        @ValueSource(
                strings = {
                    "https://example.org",
                    "https://notexample.com",
                    "https://example.com.evil.org",
                    "http://localhost:8080"
                })
        @DisplayName("rejects an origin that does not sit on the rpId, naming both")
        void originMustSitOnRpId(String origin) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> valid().origin(origin).build())
                    .withMessageContaining(origin)
                    .withMessageContaining("example.com");
        }

        @Test
        @DisplayName("accepts origins on subdomains of the rpId")
        void subdomainOrigin() {
            assertThatCode(() -> valid().origin("https://login.example.com")
                            .origin("https://a.b.example.com:8443")
                            .build())
                    .doesNotThrowAnyException();
        }

        @Test
        @DisplayName("rejects a ceremony timeout longer than the flow's time to live, naming both")
        void ceremonyTimeoutWithinFlow() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> valid().ceremonyTimeout(Duration.ofMinutes(3))
                            .flowTimeToLive(Duration.ofMinutes(2))
                            .build())
                    .withMessageContaining("PT3M")
                    .withMessageContaining("PT2M");
        }

        @Test
        @DisplayName("accepts a ceremony timeout equal to the flow's time to live")
        void equalTimeoutsAccepted() {
            assertThatCode(() -> valid().ceremonyTimeout(Duration.ofMinutes(3))
                            .flowTimeToLive(Duration.ofMinutes(3))
                            .build())
                    .doesNotThrowAnyException();
        }

        @Test
        @DisplayName("the defaults are the documented constants")
        void defaults() {
            assertThat(LoginFlow.Builder.DEFAULT_FLOW_TIME_TO_LIVE).isEqualTo(Duration.ofMinutes(5));
            assertThat(LoginFlow.Builder.DEFAULT_CEREMONY_TIMEOUT)
                    .isLessThanOrEqualTo(LoginFlow.Builder.DEFAULT_FLOW_TIME_TO_LIVE);
            LoginFlow flow = valid().build();
            LoginStep step = flow.start("nobody@example.com", ClientContext.unknown());
            assertThat(step)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.remainingAttempts())
                                    .isEqualTo(LoginFlow.Builder.DEFAULT_MAX_FALLBACK_FAILURES));
        }
    }
}
