package dev.passkeyflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.testsupport.CountingCredentialRepository;
import dev.passkeyflow.core.testsupport.FlakyFlowStateRepository;
import dev.passkeyflow.core.testsupport.ScriptedAdvisor;
import dev.passkeyflow.core.testsupport.TestData;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("DefaultLoginFlow, without an authenticator")
class DefaultLoginFlowTest {

    /** Has one active passkey. */
    private static final String ALICE = "alice@example.com";
    /** Has no passkey. */
    private static final String BOB = "bob@example.com";
    /** Has only a retired passkey. */
    private static final String CAROL = "carol@example.com";
    /** Has no account. */
    private static final String NOBODY = "nobody@example.com";

    private final MutableClock clock = new MutableClock(TestData.T0);
    private final CountingCredentialRepository credentials =
            new CountingCredentialRepository(new InMemoryCredentialRepository());
    private final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    private final InMemoryFlowStateRepository storedFlows = new InMemoryFlowStateRepository(clock);
    private final FlakyFlowStateRepository flows = new FlakyFlowStateRepository(storedFlows);
    private final ScriptedAdvisor advisor = new ScriptedAdvisor();
    private final List<LoginFlowEvent> events = new CopyOnWriteArrayList<>();

    private final ClientContext client = ClientContext.builder()
            .deviceId("device-1")
            .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)")
            .hints(new ClientHints("\"macOS\"", "\"14.5.0\"", false))
            .userVerifyingPlatformAuthenticator(true)
            .build();

    private final UserAccount alice = TestData.user(ALICE, 1);
    private final UserAccount bob = TestData.user(BOB, 2);
    private final UserAccount carol = TestData.user(CAROL, 3);
    private final StoredCredential alicePasskey = TestData.credential(alice.userHandle(), 1);

    @BeforeEach
    void accounts() {
        credentials.saveUser(alice);
        credentials.saveCredential(alicePasskey);
        credentials.saveUser(bob);
        credentials.saveUser(carol);
        credentials.saveCredential(
                TestData.credential(carol.userHandle(), 3, CredentialStatus.RETIRED, ClientInfo.unknown(), null));
        credentials.reset();
    }

    private LoginFlow.Builder builder() {
        return LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin("https://example.com")
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(flows)
                .advisor(advisor)
                .clock(clock)
                .listener(events::add);
    }

    private LoginFlow flow() {
        return builder().build();
    }

    private LoginFlow flow(Consumer<LoginFlow.Builder> settings) {
        LoginFlow.Builder builder = builder();
        settings.accept(builder);
        return builder.build();
    }

    private FlowRecord stored(String flowId) {
        return storedFlows.load(flowId).orElseThrow();
    }

    private FlowSnapshot snapshot(String flowId) {
        return SnapshotCodec.read(stored(flowId));
    }

    private List<LoginAttempt> attemptsOf(UserAccount user) {
        return attempts.recentByUser(user.userHandle(), Instant.EPOCH, 100);
    }

    private static LoginFlowException failure(ThrowingCallable call) {
        LoginFlowException e = catchThrowableOfType(LoginFlowException.class, call);
        assertThat(e).as("a LoginFlowException").isNotNull();
        return e;
    }

    /** The call fails with {@code reason} and leaves the stored flow exactly as it was. */
    private void assertRejectedUnchanged(String flowId, Reason reason, ThrowingCallable call) {
        FlowRecord before = stored(flowId);
        int eventsBefore = events.size();

        assertThat(failure(call).reason()).isEqualTo(reason);

        assertThat(stored(flowId)).isEqualTo(before);
        assertThat(events).hasSize(eventsBefore);
    }

    private static <T extends LoginStep> T as(Class<T> type, LoginStep step) {
        assertThat(step).isInstanceOf(type);
        return type.cast(step);
    }

    @Nested
    @DisplayName("start")
    class Start {

        @Test
        @DisplayName("gives an unknown identifier the same step as an account without passkeys")
        void unknownLooksLikeNoPasskeys() {
            LoginFlow flow = flow();

            LoginStep unknown = flow.start(NOBODY, client);
            LoginStep known = flow.start(BOB, client);

            LoginStep.FallbackRequired u = as(LoginStep.FallbackRequired.class, unknown);
            LoginStep.FallbackRequired k = as(LoginStep.FallbackRequired.class, known);
            assertThat(u.reason()).isEqualTo(k.reason()).isEqualTo(FallbackReason.PASSKEY_NOT_AVAILABLE);
            assertThat(u.remainingAttempts())
                    .isEqualTo(k.remainingAttempts())
                    .isEqualTo(LoginFlow.Builder.DEFAULT_MAX_FALLBACK_FAILURES);
            assertThat(u.signals()).isEqualTo(k.signals()).isEmpty();
            assertThat(u.flowId()).hasSameSizeAs(k.flowId());
            assertThat(u.identifier()).isEqualTo(NOBODY);
            assertThat(k.identifier()).isEqualTo(BOB);
        }

        @Test
        @DisplayName("makes the same repository calls and asks the advisor once, known or unknown (no early return)")
        void sameWorkForUnknownIdentifiers() {
            LoginFlow flow = flow();

            flow.start(NOBODY, client);
            Map<String, Integer> unknownCalls = credentials.calls();
            List<StartContext> unknownAdvice = List.copyOf(advisor.startContexts);
            List<Class<?>> unknownEvents =
                    events.stream().<Class<?>>map(Object::getClass).toList();
            credentials.reset();
            advisor.reset();
            events.clear();

            flow.start(BOB, client);
            Map<String, Integer> knownCalls = credentials.calls();
            List<Class<?>> knownEvents =
                    events.stream().<Class<?>>map(Object::getClass).toList();

            assertThat(unknownCalls).containsEntry("findUserByIdentifier", 1).containsEntry("listCredentials", 1);
            assertThat(knownCalls).isEqualTo(unknownCalls);
            assertThat(unknownAdvice).singleElement().satisfies(c -> {
                assertThat(c.user()).isNull();
                assertThat(c.credentials()).isEmpty();
            });
            assertThat(advisor.startContexts)
                    .singleElement()
                    .satisfies(c -> assertThat(c.user()).isEqualTo(bob));
            assertThat(knownEvents)
                    .isEqualTo(unknownEvents)
                    .containsExactly(LoginFlowEvent.FlowStarted.class, LoginFlowEvent.FallbackRequired.class);
        }

        @Test
        @DisplayName("normalises the identifier (trim, lower case) before looking it up")
        void normalisesIdentifier() {
            LoginStep step = flow().start("   Alice@Example.COM \t", client);

            assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
            assertThat(snapshot(step.flowId()).identifier()).isEqualTo(ALICE);
        }

        @ParameterizedTest(name = "''{0}''")
        @NullAndEmptySource
        @ValueSource(strings = {"   ", "\t\n"})
        @DisplayName("rejects a missing or blank identifier as INVALID_INPUT, touching nothing")
        void blankIdentifier(String identifier) {
            LoginFlow flow = flow();

            assertThat(failure(() -> flow.start(identifier, client)).reason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(credentials.calls()).isEmpty();
            assertThat(advisor.startContexts).isEmpty();
            assertThat(events).isEmpty();
        }

        @Test
        @DisplayName("rejects an identifier over 256 characters, before or after normalising, as INVALID_INPUT")
        void oversizedIdentifier() {
            LoginFlow flow = flow();

            assertThat(failure(() -> flow.start("a".repeat(257), client)).reason())
                    .isEqualTo(Reason.INVALID_INPUT);
            assertThat(failure(() -> flow.start("a".repeat(100_000), client)).reason())
                    .isEqualTo(Reason.INVALID_INPUT);
            assertThat(credentials.calls()).isEmpty();
            assertThat(events).isEmpty();
        }

        @Test
        @DisplayName("accepts an identifier of exactly 256 characters, and padding that normalising removes")
        void identifierBounds() {
            LoginFlow flow = flow();

            assertThat(flow.start("a".repeat(256), client)).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(flow.start(" ".repeat(300) + ALICE, client)).isInstanceOf(LoginStep.PasskeyChallenge.class);
        }

        @Test
        @DisplayName("gives flow ids of at least 128 random bits in base64url, all distinct over 1,000 starts")
        void flowIds() {
            LoginFlow flow = flow(b -> b.throttle(LoginThrottle.custom()
                    .maxStartsPerIdentifier(10_000)
                    .maxStartsPerDevice(10_000)
                    .build()));
            Set<String> ids = new HashSet<>();

            for (int i = 0; i < 1_000; i++) {
                ids.add(flow.start(NOBODY, ClientContext.unknown()).flowId());
            }

            assertThat(ids).hasSize(1_000).allSatisfy(id -> {
                assertThat(id).matches("[A-Za-z0-9_-]{22,}");
                assertThat(Base64.getUrlDecoder().decode(id)).hasSizeGreaterThanOrEqualTo(16);
            });
        }

        @Test
        @DisplayName("starts a passkey login at once when the advisor says ATTEMPT_AUTOMATICALLY")
        void attemptAutomatically() {
            LoginStep step = flow().start(ALICE, client);

            LoginStep.PasskeyChallenge challenge = as(LoginStep.PasskeyChallenge.class, step);
            assertThat(challenge.autoStart()).isTrue();
            assertThat(challenge.attempt()).isEqualTo(1);
            assertThat(challenge.calmRetry()).isFalse();
            assertThat(challenge.credentialsGetJson())
                    .startsWith("{\"publicKey\":")
                    .contains("\"rpId\":\"example.com\"")
                    .contains(alicePasskey.credentialId().toBase64Url());
            assertThat(snapshot(step.flowId()).state()).isEqualTo(FlowState.PASSKEY_PENDING);
        }

        @Test
        @DisplayName("offers a passkey button (autoStart=false) when the advisor says OFFER_BUTTON")
        void offerButton() {
            advisor.onStart(StartDecision.Action.OFFER_BUTTON);

            LoginStep.PasskeyChallenge challenge = as(LoginStep.PasskeyChallenge.class, flow().start(ALICE, client));

            assertThat(challenge.autoStart()).isFalse();
            assertThat(challenge.attempt()).isEqualTo(1);
        }

        @Test
        @DisplayName("goes to the traditional login with PASSKEY_NOT_AVAILABLE when the advisor says FALLBACK")
        void advisorFallback() {
            advisor.onStart(StartDecision.Action.FALLBACK);

            LoginStep step = flow().start(ALICE, client);

            LoginStep.FallbackRequired fallback = as(LoginStep.FallbackRequired.class, step);
            assertThat(fallback.reason()).isEqualTo(FallbackReason.PASSKEY_NOT_AVAILABLE);
            assertThat(fallback.identifier()).isEqualTo(ALICE);
            assertThat(snapshot(step.flowId()).pendingRequestJson()).isNull();
        }

        @Test
        @DisplayName("goes to the traditional login when every passkey is retired, whatever the advisor says")
        void retiredPasskeysNeverAttempted() {
            advisor.onStart(StartDecision.Action.ATTEMPT_AUTOMATICALLY);

            LoginStep step = flow().start(CAROL, client);

            assertThat(as(LoginStep.FallbackRequired.class, step).reason())
                    .isEqualTo(FallbackReason.PASSKEY_NOT_AVAILABLE);
        }

        @Test
        @DisplayName("goes to the traditional login for an unknown identifier, whatever the advisor says")
        void unknownNeverAttempted() {
            advisor.onStart(StartDecision.Action.ATTEMPT_AUTOMATICALLY);

            assertThat(flow().start(NOBODY, client)).isInstanceOf(LoginStep.FallbackRequired.class);
        }
    }

    @Nested
    @DisplayName("flow ids")
    class FlowIds {

        private static final String UNKNOWN_BUT_WELL_FORMED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        @Test
        @DisplayName("unknown, malformed and expired ids all get UNKNOWN_FLOW with one and the same message")
        void sameErrorForUnknownMalformedExpired() {
            LoginFlow flow = flow();
            String expired = flow.start(BOB, client).flowId();
            clock.advance(LoginFlow.Builder.DEFAULT_FLOW_TIME_TO_LIVE);
            String live = flow.start(BOB, client).flowId();

            List<String> ids = new ArrayList<>(List.of(
                    UNKNOWN_BUT_WELL_FORMED,
                    expired,
                    "",
                    "short",
                    "../../etc/passwd",
                    live + "=",
                    live.substring(1) + "/",
                    "x".repeat(129),
                    "ä".repeat(32)));
            ids.add(null);
            Set<String> messages = new HashSet<>();
            for (String id : ids) {
                LoginFlowException e = failure(() -> flow.resume(id));
                assertThat(e.reason()).as("id %s", id).isEqualTo(Reason.UNKNOWN_FLOW);
                messages.add(e.getMessage());
            }

            assertThat(messages).hasSize(1);
            assertThat(flow.resume(live)).isInstanceOf(LoginStep.FallbackRequired.class);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.passkeyflow.core.internal.DefaultLoginFlowTest#everyFlowCall")
        @DisplayName("every call on an unknown id gets UNKNOWN_FLOW")
        void everyCall(Call call) {
            LoginFlow flow = flow();

            LoginFlowException e = failure(() -> call.on(flow, UNKNOWN_BUT_WELL_FORMED));

            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FLOW);
            assertThat(e)
                    .hasMessage(
                            failure(() -> flow.resume(UNKNOWN_BUT_WELL_FORMED)).getMessage());
        }

        @Test
        @DisplayName("a flow is gone exactly at its expiry instant, not a millisecond before")
        void expiryBoundary() {
            LoginFlow flow = flow();
            String id = flow.start(BOB, client).flowId();

            clock.advance(LoginFlow.Builder.DEFAULT_FLOW_TIME_TO_LIVE.minusMillis(1));
            assertThat(flow.resume(id)).isInstanceOf(LoginStep.FallbackRequired.class);

            clock.advance(Duration.ofMillis(1));
            assertThat(failure(() -> flow.resume(id)).reason()).isEqualTo(Reason.UNKNOWN_FLOW);
        }

        @Test
        @DisplayName("a stored flow of another format version is an UNKNOWN_FLOW")
        void otherFormatVersion() {
            storedFlows.create(new FlowRecord(UNKNOWN_BUT_WELL_FORMED, 0, TestData.T0.plusSeconds(60), "{\"v\":99}"));

            assertThat(failure(() -> flow().resume(UNKNOWN_BUT_WELL_FORMED)).reason())
                    .isEqualTo(Reason.UNKNOWN_FLOW);
        }

        @Test
        @DisplayName("a corrupt stored flow is a STORAGE_FAILURE, not a raw exception")
        void corruptStoredFlow() {
            storedFlows.create(new FlowRecord(UNKNOWN_BUT_WELL_FORMED, 0, TestData.T0.plusSeconds(60), "{corrupt"));

            assertThat(failure(() -> flow().resume(UNKNOWN_BUT_WELL_FORMED)).reason())
                    .isEqualTo(Reason.STORAGE_FAILURE);
        }
    }

    @Nested
    @DisplayName("reportClientError")
    class ClientErrors {

        @ParameterizedTest(name = "''{0}''")
        @NullAndEmptySource
        @ValueSource(strings = {" ", "\t"})
        @DisplayName("rejects a missing or blank error name as INVALID_INPUT, leaving the flow unchanged")
        void blankName(String name) {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.reportClientError(id, name, "msg", 100));
            assertThat(stored(id).version()).isZero();
            assertThat(attemptsOf(alice)).isEmpty();
        }

        @Test
        @DisplayName("keeps an unknown error name in the attempt record")
        void unknownNameKept() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            flow.reportClientError(id, "WeirdVendorError", "something odd", 2_500);

            assertThat(attemptsOf(alice)).singleElement().satisfies(a -> {
                assertThat(a.outcome()).isEqualTo(AttemptOutcome.CLIENT_ERROR);
                assertThat(a.clientErrorName()).isEqualTo("WeirdVendorError");
                assertThat(a.elapsedMillis()).isEqualTo(2_500);
                assertThat(a.deviceId()).isEqualTo("device-1");
                assertThat(a.platform()).isEqualTo("macOS");
                assertThat(a.at()).isEqualTo(TestData.T0);
            });
        }

        @Test
        @DisplayName("truncates an over-long error name to 64 characters, in the record and in the flow")
        void longNameTruncated() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            String name = "VeryLongError".repeat(10);

            flow.reportClientError(id, "  " + name + "  ", null, 10);

            assertThat(attemptsOf(alice))
                    .singleElement()
                    .satisfies(a -> assertThat(a.clientErrorName()).isEqualTo(name.substring(0, 64)));
            assertThat(snapshot(id).passkey().failures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.clientErrorName()).isEqualTo(name.substring(0, 64)));
        }

        @ParameterizedTest(name = "{0} after {1} ms is {2}")
        @CsvSource({
            "NotAllowedError,   5000,   CANCELLED",
            "AbortError,        5000,   CANCELLED",
            "NotAllowedError,   119999, CANCELLED",
            "NotAllowedError,   120000, TIMED_OUT",
            "TimeoutError,      10,     TIMED_OUT",
            "SecurityError,     10,     SECURITY_ERROR",
            "InvalidStateError, 10,     CLIENT_ERROR",
            "UnknownError,      10,     CLIENT_ERROR"
        })
        @DisplayName("classifies the browser error, a NotAllowedError after the ceremony timeout being a timeout")
        void classifies(String name, long elapsed, AttemptOutcome expected) {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            flow.reportClientError(id, name, null, elapsed);

            assertThat(attemptsOf(alice)).singleElement().satisfies(a -> {
                assertThat(a.outcome()).isEqualTo(expected);
                assertThat(a.clientErrorName()).isEqualTo(name);
            });
            assertThat(advisor.failureContexts)
                    .singleElement()
                    .satisfies(c -> assertThat(c.failure().outcome()).isEqualTo(expected));
        }

        @Test
        @DisplayName("records an unknown or negative elapsed time as -1")
        void negativeElapsed() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            flow.reportClientError(id, "NotAllowedError", null, -500);

            assertThat(attemptsOf(alice))
                    .singleElement()
                    .satisfies(a -> assertThat(a.elapsedMillis()).isEqualTo(-1));
        }

        @Test
        @DisplayName("falls back at once after a SecurityError")
        void securityErrorFallsBack() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            LoginStep step = flow.reportClientError(id, "SecurityError", null, 5);

            assertThat(as(LoginStep.FallbackRequired.class, step).reason()).isEqualTo(FallbackReason.PASSKEY_FAILED);
        }
    }

    @Nested
    @DisplayName("invalid input")
    class InvalidInput {

        @Test
        @DisplayName("an oversized finishPasskey body is INVALID_INPUT, counted in UTF-8 bytes, and changes nothing")
        void oversizedBody() {
            LoginFlow flow = flow(b -> b.maxResponseBytes(1024));
            String id = flow.start(ALICE, client).flowId();

            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishPasskey(id, "x".repeat(1025)));
            // 400 characters, 1200 bytes
            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishPasskey(id, "€".repeat(400)));
            assertThat(failure(() -> flow.finishPasskey(id, "€".repeat(400)))).hasMessageContaining("1024");
            assertThat(credentials.calls("findCredential")).isZero();
        }

        @Test
        @DisplayName("the default limit rejects a body over 64 KiB")
        void defaultLimit() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertRejectedUnchanged(
                    id, Reason.INVALID_INPUT, () -> flow.finishPasskey(id, "{\"id\":\"" + "A".repeat(70_000) + "\"}"));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{not json",
                    "[]",
                    "{}",
                    "null",
                    "\"a string\"",
                    "{\"id\":5}",
                    "{\"id\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}",
                    "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"clientExtensionResults\":{},"
                            + "\"response\":{\"clientDataJSON\":\"!!\",\"authenticatorData\":\"!!\",\"signature\":\"!!\"}}"
                })
        @DisplayName("malformed finishPasskey JSON is INVALID_INPUT, changes nothing, and the challenge stays valid")
        void malformedJson(String body) {
            LoginFlow flow = flow();
            LoginStep original = flow.start(ALICE, client);
            String id = original.flowId();

            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishPasskey(id, body));

            assertThat(flow.resume(id)).isEqualTo(original);
            assertThat(attemptsOf(alice)).isEmpty();
        }

        @Test
        @DisplayName("a missing finishPasskey body is INVALID_INPUT")
        void nullBody() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishPasskey(id, null));
        }

        @Test
        @DisplayName("malformed finishHealing JSON is INVALID_INPUT and the offer stays valid")
        void malformedHealingJson() {
            LoginFlow flow = flow();
            String id = flow.start(BOB, client).flowId();
            LoginStep offer = flow.fallbackSucceeded(id);
            assertThat(as(LoginStep.HealingOffer.class, offer).kind()).isEqualTo(HealingKind.FIRST_PASSKEY);

            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishHealing(id, "{not json"));
            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishHealing(id, "null"));
            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishHealing(id, "{}"));
            assertRejectedUnchanged(id, Reason.INVALID_INPUT, () -> flow.finishHealing(id, "x".repeat(70_000)));

            assertThat(flow.resume(id)).isEqualTo(offer);
        }
    }

    /** One call on a flow, for parameterized tests. */
    @FunctionalInterface
    interface Call {
        LoginStep on(LoginFlow flow, String flowId);
    }

    private static Arguments call(String name, Call call) {
        return Arguments.of(Named.of(name, call));
    }

    static Stream<Arguments> everyFlowCall() {
        return Stream.concat(Stream.of(call("resume", LoginFlow::resume)), everyChangingCall());
    }

    static Stream<Arguments> everyChangingCall() {
        return Stream.of(
                call("reportClientError", (f, id) -> f.reportClientError(id, "NotAllowedError", null, 10)),
                call("finishPasskey", (f, id) -> f.finishPasskey(id, "{}")),
                call("chooseFallback", LoginFlow::chooseFallback),
                call("fallbackSucceeded", LoginFlow::fallbackSucceeded),
                call("fallbackFailed", LoginFlow::fallbackFailed),
                call("finishHealing", (f, id) -> f.finishHealing(id, "{}")),
                call("reportHealingError", (f, id) -> f.reportHealingError(id, "NotAllowedError", null, 10)),
                call("declineHealing", LoginFlow::declineHealing));
    }

    static Stream<Arguments> callsIllegalWhilePasskeyPending() {
        return Stream.of(
                call("finishHealing", (f, id) -> f.finishHealing(id, "{}")),
                call("fallbackSucceeded", LoginFlow::fallbackSucceeded),
                call("fallbackFailed", LoginFlow::fallbackFailed),
                call("declineHealing", LoginFlow::declineHealing),
                call("reportHealingError", (f, id) -> f.reportHealingError(id, "InvalidStateError", null, 10)));
    }

    static Stream<Arguments> callsIllegalWhileFallbackPending() {
        return Stream.of(
                call("finishPasskey", (f, id) -> f.finishPasskey(id, "{}")),
                call("reportClientError", (f, id) -> f.reportClientError(id, "NotAllowedError", null, 10)),
                call("chooseFallback", LoginFlow::chooseFallback),
                call("finishHealing", (f, id) -> f.finishHealing(id, "{}")),
                call("declineHealing", LoginFlow::declineHealing));
    }

    @Nested
    @DisplayName("calls that do not fit the state")
    class WrongState {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.passkeyflow.core.internal.DefaultLoginFlowTest#callsIllegalWhilePasskeyPending")
        @DisplayName("on a passkey-pending flow are ILLEGAL_TRANSITION and change nothing")
        void passkeyPending(Call call) {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertRejectedUnchanged(id, Reason.ILLEGAL_TRANSITION, () -> call.on(flow, id));
            assertThat(attemptsOf(alice)).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.passkeyflow.core.internal.DefaultLoginFlowTest#callsIllegalWhileFallbackPending")
        @DisplayName("on a fallback-pending flow are ILLEGAL_TRANSITION and change nothing")
        void fallbackPending(Call call) {
            LoginFlow flow = flow();
            String id = flow.start(BOB, client).flowId();

            assertRejectedUnchanged(id, Reason.ILLEGAL_TRANSITION, () -> call.on(flow, id));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.passkeyflow.core.internal.DefaultLoginFlowTest#everyChangingCall")
        @DisplayName("on a completed flow are ILLEGAL_TRANSITION and change nothing")
        void completed(Call call) {
            LoginFlow flow = flow();
            String id = flow.start(NOBODY, client).flowId();
            flow.fallbackSucceeded(id);

            assertRejectedUnchanged(id, Reason.ILLEGAL_TRANSITION, () -> call.on(flow, id));
        }
    }

    @Nested
    @DisplayName("chooseFallback")
    class ChooseFallback {

        @Test
        @DisplayName("moves a passkey-pending flow to the traditional login with USER_CHOSE_FALLBACK")
        void choosesFallback() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            events.clear();

            LoginStep step = flow.chooseFallback(id);

            LoginStep.FallbackRequired fallback = as(LoginStep.FallbackRequired.class, step);
            assertThat(fallback.reason()).isEqualTo(FallbackReason.USER_CHOSE_FALLBACK);
            assertThat(fallback.identifier()).isEqualTo(ALICE);
            assertThat(fallback.remainingAttempts()).isEqualTo(LoginFlow.Builder.DEFAULT_MAX_FALLBACK_FAILURES);
            assertThat(stored(id).version()).isEqualTo(1);
            FlowSnapshot snapshot = snapshot(id);
            assertThat(snapshot.state()).isEqualTo(FlowState.FALLBACK_PENDING);
            assertThat(snapshot.pendingRequestJson())
                    .as("the challenge is withdrawn")
                    .isNull();
            assertThat(events)
                    .singleElement()
                    .isInstanceOfSatisfying(
                            LoginFlowEvent.FallbackRequired.class,
                            e -> assertThat(e.reason()).isEqualTo(FallbackReason.USER_CHOSE_FALLBACK));
            assertThat(attemptsOf(alice))
                    .as("choosing the password is not a failed passkey attempt")
                    .isEmpty();
        }

        @Test
        @DisplayName("is not a passkey failure: the successful fallback that follows offers no healing")
        void noHealingAfterChoice() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            flow.chooseFallback(id);

            LoginStep done = flow.fallbackSucceeded(id);

            LoginStep.Completed completed = as(LoginStep.Completed.class, done);
            assertThat(completed.method()).isEqualTo(AuthenticationMethod.FALLBACK);
            assertThat(completed.healing()).isEqualTo(HealingResult.NOT_OFFERED);
            assertThat(completed.userHandle()).isEqualTo(alice.userHandle());
        }

        @Test
        @DisplayName("tells the advisor why the flow fell back when it asks about healing")
        void fallbackReasonReachesAdvisor() {
            LoginFlow flow = flow();
            String chosen = flow.start(ALICE, client).flowId();
            flow.chooseFallback(chosen);
            flow.fallbackSucceeded(chosen);
            advisor.onStart(StartDecision.Action.FALLBACK);
            String skipped = flow.start(ALICE, client).flowId();
            flow.fallbackSucceeded(skipped);

            assertThat(advisor.healingContexts)
                    .extracting(c -> c.fallbackReason())
                    .containsExactly(FallbackReason.USER_CHOSE_FALLBACK, FallbackReason.PASSKEY_NOT_AVAILABLE);
        }

        @Test
        @DisplayName(
                "a mistyped password shows FALLBACK_FAILED but the advisor still learns that the user chose the password")
        void fallbackReasonSurvivesWrongPassword() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            flow.chooseFallback(id);

            LoginStep.FallbackRequired retry = as(LoginStep.FallbackRequired.class, flow.fallbackFailed(id));
            LoginStep.FallbackRequired resumed = as(LoginStep.FallbackRequired.class, flow.resume(id));
            flow.fallbackSucceeded(id);

            assertThat(retry.reason()).isEqualTo(FallbackReason.FALLBACK_FAILED);
            assertThat(resumed.reason()).isEqualTo(FallbackReason.FALLBACK_FAILED);
            assertThat(events)
                    .filteredOn(LoginFlowEvent.FallbackRequired.class::isInstance)
                    .hasSize(1);
            assertThat(advisor.healingContexts)
                    .singleElement()
                    .extracting(c -> c.fallbackReason())
                    .isEqualTo(FallbackReason.USER_CHOSE_FALLBACK);
        }
    }

    @Nested
    @DisplayName("listeners")
    class Listeners {

        @Test
        @DisplayName("a listener that throws is ignored and the next listener still gets every event")
        void throwingListenerIgnored() {
            AtomicInteger thrown = new AtomicInteger();
            List<LoginFlowEvent> received = new ArrayList<>();
            LoginFlow flow = LoginFlow.builder()
                    .rpId("example.com")
                    .rpName("Example")
                    .origin("https://example.com")
                    .credentialRepository(credentials)
                    .loginAttemptRepository(attempts)
                    .flowStateRepository(flows)
                    .clock(clock)
                    .listener(e -> {
                        thrown.incrementAndGet();
                        throw new IllegalStateException("listener bug");
                    })
                    .listener(received::add)
                    .build();

            LoginStep step = flow.start(BOB, client);

            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(thrown).hasValue(2);
            assertThat(received.stream().<Class<?>>map(Object::getClass).toList())
                    .containsExactly(LoginFlowEvent.FlowStarted.class, LoginFlowEvent.FallbackRequired.class);
        }

        @Test
        @DisplayName("events are stamped with the injected clock and carry the flow id")
        void stampedWithInjectedClock() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            clock.advance(Duration.ofSeconds(42));
            flow.reportClientError(id, "NotAllowedError", null, 5_000);
            clock.advance(Duration.ofSeconds(8));
            flow.chooseFallback(id);

            assertThat(events)
                    .extracting(LoginFlowEvent::at)
                    .containsExactly(TestData.T0, TestData.T0.plusSeconds(42), TestData.T0.plusSeconds(50));
            assertThat(events).extracting(LoginFlowEvent::flowId).containsOnly(id);
            assertThat(events).extracting(LoginFlowEvent::userHandle).containsOnly(alice.userHandle());
        }
    }

    @Nested
    @DisplayName("storage failures")
    class StorageFailures {

        @Test
        @DisplayName("a failed update is STORAGE_FAILURE, changes nothing, and the same call then succeeds")
        void failedUpdateRetried() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            flows.failNextUpdate();

            LoginFlowException e = failure(() -> flow.chooseFallback(id));

            assertThat(e.reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(e).hasCauseInstanceOf(StorageException.class);
            assertThat(stored(id).version()).isZero();
            assertThat(snapshot(id).state()).isEqualTo(FlowState.PASSKEY_PENDING);

            LoginStep retried = flow.chooseFallback(id);

            assertThat(as(LoginStep.FallbackRequired.class, retried).reason())
                    .isEqualTo(FallbackReason.USER_CHOSE_FALLBACK);
            assertThat(stored(id).version()).isEqualTo(1);
        }

        @Test
        @DisplayName("a failed update of a failed password leaves the count as it was; the retry counts it once")
        void failedPasswordCountedOnce() {
            LoginFlow flow = flow();
            String id = flow.start(BOB, client).flowId();
            flows.failNextUpdate();

            assertThat(failure(() -> flow.fallbackFailed(id)).reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(snapshot(id).fallback().failures()).isZero();

            LoginStep.FallbackRequired retried = as(LoginStep.FallbackRequired.class, flow.fallbackFailed(id));
            assertThat(retried.remainingAttempts()).isEqualTo(LoginFlow.Builder.DEFAULT_MAX_FALLBACK_FAILURES - 1);
        }

        @Test
        @DisplayName(
                "a failure after the commit is STORAGE_FAILURE; the repeat completes the step, returns its result and records it once")
        void failureAfterCommitCompletedByRetry() {
            LoginFlow flow = flow();
            String id = flow.start(BOB, client).flowId();
            flows.failUpdateAfter(1); // the commit passes, clearing the applied effects fails

            assertThat(failure(() -> flow.fallbackSucceeded(id)).reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(snapshot(id).state()).isEqualTo(FlowState.HEALING_PENDING);
            assertThat(snapshot(id).pendingEffects()).isNotEmpty();

            LoginStep.HealingOffer retried = as(LoginStep.HealingOffer.class, flow.fallbackSucceeded(id));

            assertThat(retried.flowId()).isEqualTo(id);
            assertThat(snapshot(id).pendingEffects()).isEmpty();
            assertThat(attemptsOf(bob))
                    .singleElement()
                    .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.FALLBACK_SUCCEEDED));
        }

        @Test
        @DisplayName("a failed create at the start is STORAGE_FAILURE with no events, and a new start succeeds")
        void failedCreate() {
            LoginFlow flow = flow();
            flows.failNextCreate();

            assertThat(failure(() -> flow.start(BOB, client)).reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(events).isEmpty();

            assertThat(flow.start(BOB, client)).isInstanceOf(LoginStep.FallbackRequired.class);
        }

        @Test
        @DisplayName("a failed load is STORAGE_FAILURE and the same call then succeeds")
        void failedLoad() {
            LoginFlow flow = flow();
            LoginStep original = flow.start(ALICE, client);
            flows.failNextLoad();

            assertThat(failure(() -> flow.resume(original.flowId())).reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(flow.resume(original.flowId())).isEqualTo(original);
        }
    }

    @Nested
    @DisplayName("limits")
    class Limits {

        @Test
        @DisplayName("maxPasskeyAttempts caps the retries even when the advisor always says RETRY")
        void passkeyAttemptsCapped() {
            advisor.onFailure(FailureDecision.Action.RETRY);
            LoginFlow flow = flow(b -> b.maxPasskeyAttempts(3));
            LoginStep.PasskeyChallenge first = as(LoginStep.PasskeyChallenge.class, flow.start(ALICE, client));
            String id = first.flowId();

            LoginStep.PasskeyChallenge second =
                    as(LoginStep.PasskeyChallenge.class, flow.reportClientError(id, "NotAllowedError", null, 5_000));
            LoginStep.PasskeyChallenge third =
                    as(LoginStep.PasskeyChallenge.class, flow.reportClientError(id, "NotAllowedError", null, 5_000));
            LoginStep last = flow.reportClientError(id, "NotAllowedError", null, 5_000);

            assertThat(List.of(first.attempt(), second.attempt(), third.attempt()))
                    .containsExactly(1, 2, 3);
            assertThat(second.calmRetry()).isTrue();
            assertThat(Set.of(first.credentialsGetJson(), second.credentialsGetJson(), third.credentialsGetJson()))
                    .as("every retry gets a fresh challenge")
                    .hasSize(3);
            assertThat(as(LoginStep.FallbackRequired.class, last).reason()).isEqualTo(FallbackReason.PASSKEY_FAILED);
            assertThat(advisor.failureContexts)
                    .hasSize(3)
                    .last()
                    .satisfies(c -> assertThat(c.consecutiveFailures()).isEqualTo(3))
                    .satisfies(c -> assertThat(c.failuresInFlow()).hasSize(3));
            assertThat(attemptsOf(alice))
                    .hasSize(3)
                    .allSatisfy(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.CANCELLED));
        }

        @Test
        @DisplayName("with maxPasskeyAttempts 1 the first failure falls back even when the advisor says RETRY")
        void singleAttempt() {
            advisor.onFailure(FailureDecision.Action.RETRY);
            LoginFlow flow = flow(b -> b.maxPasskeyAttempts(1));
            String id = flow.start(ALICE, client).flowId();

            assertThat(flow.reportClientError(id, "NotAllowedError", null, 5_000))
                    .isInstanceOf(LoginStep.FallbackRequired.class);
        }

        @Test
        @DisplayName("the default advisor retries the first cancel and falls back on the second")
        void defaultAdvisorTwoCancels() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertThat(flow.reportClientError(id, "NotAllowedError", null, 5_000))
                    .isInstanceOf(LoginStep.PasskeyChallenge.class);
            assertThat(flow.reportClientError(id, "NotAllowedError", null, 5_000))
                    .isInstanceOf(LoginStep.FallbackRequired.class);
            List<FailureContext> asked = advisor.failureContexts;
            assertThat(asked).extracting(FailureContext::consecutiveFailures).containsExactly(1, 2);
        }

        @Test
        @DisplayName("fallbackFailed counts down and locks at maxFallbackFailures; every later call gets LOCKED")
        void fallbackLocks() {
            LoginFlow flow = flow(b -> b.maxFallbackFailures(3));
            LoginStep.FallbackRequired start = as(LoginStep.FallbackRequired.class, flow.start(BOB, client));
            String id = start.flowId();
            assertThat(start.remainingAttempts()).isEqualTo(3);

            LoginStep.FallbackRequired first = as(LoginStep.FallbackRequired.class, flow.fallbackFailed(id));
            LoginStep.FallbackRequired second = as(LoginStep.FallbackRequired.class, flow.fallbackFailed(id));
            LoginFlowException locked = failure(() -> flow.fallbackFailed(id));

            assertThat(first.reason()).isEqualTo(FallbackReason.FALLBACK_FAILED);
            assertThat(List.of(first.remainingAttempts(), second.remainingAttempts()))
                    .containsExactly(2, 1);
            assertThat(locked.reason()).isEqualTo(Reason.LOCKED);
            assertThat(snapshot(id).state()).isEqualTo(FlowState.LOCKED);
            assertThat(events)
                    .filteredOn(LoginFlowEvent.FallbackFailed.class::isInstance)
                    .last()
                    .isEqualTo(new LoginFlowEvent.FallbackFailed(id, TestData.T0, bob.userHandle(), 3, true));
            // Failed guesses are counted by the throttle, known and unknown identifiers alike, not in history.
            assertThat(attemptsOf(bob)).isEmpty();

            for (Arguments args : everyFlowCall().toList()) {
                Call call = (Call) ((Named<?>) args.get()[0]).getPayload();
                assertRejectedUnchanged(id, Reason.LOCKED, () -> call.on(flow, id));
            }
        }
    }

    @Nested
    @DisplayName("resume")
    class Resume {

        @Test
        @DisplayName("returns the same passkey challenge, JSON included, and changes nothing")
        void samePasskeyChallenge() {
            LoginFlow flow = flow();
            LoginStep original = flow.start(ALICE, client);
            FlowRecord before = stored(original.flowId());

            LoginStep resumed = flow.resume(original.flowId());

            assertThat(resumed).isEqualTo(original);
            assertThat(((LoginStep.PasskeyChallenge) resumed).credentialsGetJson())
                    .isEqualTo(((LoginStep.PasskeyChallenge) original).credentialsGetJson());
            assertThat(stored(original.flowId())).isEqualTo(before);
        }

        @Test
        @DisplayName("after a retry returns the retry's challenge, not the first one")
        void latestChallenge() {
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();
            LoginStep retry = flow.reportClientError(id, "NotAllowedError", null, 5_000);

            assertThat(flow.resume(id)).isEqualTo(retry);
        }

        @Test
        @DisplayName("keeps autoStart=false for a button offer")
        void keepsButton() {
            advisor.onStart(StartDecision.Action.OFFER_BUTTON);
            LoginFlow flow = flow();
            String id = flow.start(ALICE, client).flowId();

            assertThat(as(LoginStep.PasskeyChallenge.class, flow.resume(id)).autoStart())
                    .isFalse();
        }

        @Test
        @DisplayName("returns the same fallback request, but never hands out a completion again")
        void sameFallbackNotCompletion() {
            LoginFlow flow = flow();
            LoginStep fallback = flow.start(NOBODY, client);
            assertThat(flow.resume(fallback.flowId())).isEqualTo(fallback);

            LoginStep done = flow.fallbackSucceeded(fallback.flowId());
            assertThat(as(LoginStep.Completed.class, done).userHandle()).isNull();
            assertRejectedUnchanged(fallback.flowId(), Reason.ILLEGAL_TRANSITION, () -> flow.resume(fallback.flowId()));
        }
    }
}
