package dev.passkeyflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.core.testsupport.TestData;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.storage.memory.InMemoryThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The engine's parts")
class EnginePartsTest {

    @Nested
    @DisplayName("healing outcomes")
    class HealingOutcomes {

        @Test
        @DisplayName("every healing result but NOT_OFFERED maps to its own registration outcome (ENROLLED, like "
                + "HEALED, to REGISTERED: the attempt's offer kind ENROLMENT tells them apart)")
        void oneMapping() {
            Set<AttemptOutcome> seen = EnumSet.noneOf(AttemptOutcome.class);
            assertThat(HealingSteps.attemptOutcome(HealingResult.ENROLLED)).isEqualTo(AttemptOutcome.REGISTERED);
            for (HealingResult result : HealingResult.values()) {
                if (result == HealingResult.NOT_OFFERED) {
                    assertThatIllegalArgumentException().isThrownBy(() -> HealingSteps.attemptOutcome(result));
                    continue;
                }
                if (result == HealingResult.ENROLLED) {
                    continue;
                }
                AttemptOutcome outcome = HealingSteps.attemptOutcome(result);
                assertThat(outcome.ceremony()).as(result.name()).isEqualTo(AttemptOutcome.Ceremony.REGISTRATION);
                assertThat(seen.add(outcome))
                        .as(result + " maps to a fresh outcome")
                        .isTrue();
            }
            assertThat(seen)
                    .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(AttemptOutcome.class).stream()
                            .filter(o -> o.ceremony() == AttemptOutcome.Ceremony.REGISTRATION)
                            .toList());
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "InvalidStateError, ALREADY_EXISTED",
            "NotAllowedError, CANCELLED",
            "AbortError, CANCELLED",
            "TimeoutError, CANCELLED",
            "SecurityError, FAILED",
            "UnknownError, FAILED"
        })
        @DisplayName("a browser's create error is classified into a healing result")
        void createErrors(String name, HealingResult expected) {
            assertThat(BrowserErrors.ofCreate(name)).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} after {1} ms -> {2}")
        @CsvSource({
            "NotAllowedError, 500, CANCELLED",
            "NotAllowedError, 120000, TIMED_OUT",
            "AbortError, 10, CANCELLED",
            "TimeoutError, 10, TIMED_OUT",
            "SecurityError, 10, SECURITY_ERROR",
            "ConstraintError, 10, CLIENT_ERROR"
        })
        @DisplayName("a browser's get error is classified into an attempt outcome")
        void getErrors(String name, long elapsed, AttemptOutcome expected) {
            assertThat(BrowserErrors.ofGet(name, elapsed, Duration.ofMinutes(2)))
                    .isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("only LoginFlow.Builder may turn settings into a flow")
    void factoryOnlyForTheBuilder() {
        assertThatThrownBy(
                        () -> LoginFlowFactory.create(settings(new MutableClock(), new InMemoryCredentialRepository())))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("LoginFlow.builder()");
    }

    @Test
    @DisplayName("the ceremonies can be substituted: a refusing verifier makes a valid assertion a failed attempt")
    void substitutedCeremonies() {
        MutableClock clock = new MutableClock();
        InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
        UserAccount alice = TestData.user("alice@example.com", 1);
        credentials.saveUser(alice);
        FlowSettings settings = settings(clock, credentials);
        AtomicInteger verifications = new AtomicInteger();
        Ceremonies real = Ceremonies.of(settings);
        Ceremonies refusing =
                new Ceremonies(
                        settings,
                        new YubicoCredentialAdapter(credentials),
                        com.yubico.webauthn.RelyingParty.builder()
                                .identity(com.yubico.webauthn.data.RelyingPartyIdentity.builder()
                                        .id("example.com")
                                        .name("Example")
                                        .build())
                                .credentialRepository(new YubicoCredentialAdapter(credentials))
                                .origins(Set.of("https://example.com"))
                                .build()) {
                    @Override
                    AssertionVerdict verifyAssertion(
                            FlowSnapshot s,
                            AssertionRequest request,
                            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>
                                    response,
                            Optional<StoredCredential> stored) {
                        verifications.incrementAndGet();
                        return new AssertionVerdict.Refused(AttemptOutcome.BAD_SIGNATURE);
                    }
                };
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin("https://example.com");
        LoginFlow enrolling = new DefaultLoginFlow(settings, real);
        LoginStep.HealingOffer offer =
                (LoginStep.HealingOffer) enrolling.enrol("alice@example.com", ClientContext.unknown());
        enrolling.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
        LoginFlow flow = new DefaultLoginFlow(settings, refusing);

        LoginStep.PasskeyChallenge challenge =
                (LoginStep.PasskeyChallenge) flow.start("alice@example.com", ClientContext.unknown());
        LoginStep step =
                flow.finishPasskey(challenge.flowId(), authenticator.authenticate(challenge.credentialsGetJson()));

        assertThat(verifications).hasValue(1);
        assertThat(step).isNotInstanceOf(LoginStep.Completed.class);
        assertThat(settings.attempts().recentByUser(alice.userHandle(), java.time.Instant.EPOCH, 10))
                .extracting(a -> a.outcome())
                .contains(AttemptOutcome.BAD_SIGNATURE);
    }

    private static FlowSettings settings(MutableClock clock, InMemoryCredentialRepository credentials) {
        return new FlowSettings(
                "example.com",
                "Example",
                Set.of("https://example.com"),
                LoginFlow.Builder.DEFAULT_CEREMONY_TIMEOUT,
                LoginFlow.Builder.DEFAULT_FLOW_TIME_TO_LIVE,
                LoginFlow.UserVerification.PREFERRED,
                LoginFlow.ResidentKey.PREFERRED,
                credentials,
                new InMemoryLoginAttemptRepository(clock),
                new InMemoryFlowStateRepository(clock),
                ThresholdLoginAdvisor.ofDefaults(),
                List.of(),
                clock,
                LoginFlow.Builder.DEFAULT_MAX_RESPONSE_BYTES,
                LoginFlow.Builder.DEFAULT_MAX_FALLBACK_FAILURES,
                LoginFlow.Builder.DEFAULT_MAX_PASSKEY_ATTEMPTS,
                LoginFlow.Builder.DEFAULT_COMPLETION_REDIRECT,
                String::strip,
                Set.of(),
                LoginThrottle.ofDefaults(),
                new InMemoryThrottleRepository(clock, InMemoryThrottleRepository.DEFAULT_MAX_COUNTERS),
                null,
                new dev.passkeyflow.storage.memory.InMemoryPasskeyEventRepository(),
                dev.passkeyflow.core.OfferCooldowns.ofDefaults());
    }
}
