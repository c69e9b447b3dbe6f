package dev.passkeyflow.core.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryPasskeyEventRepository;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The passkey-first modes of issue #15 through {@link LoginFlow}: usernameless (autofill) login,
 * silent healing by conditional create, the append kinds with their cooldowns, the after-hybrid
 * offer and the signals after completions, with their security invariants.
 */
@DisplayName("passkey-first modes")
class PasskeyModesTest {

    private static final ClientContext LAPTOP = FlowFixture.device("laptop-1");

    private static ClientContext withConditionalCreate(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/140.0.0.0 Safari/537.36")
                .hints(new ClientHints("macOS", "15.0.0", false))
                .userVerifyingPlatformAuthenticator(true)
                .capabilities(Map.of(
                        ClientContext.CAPABILITY_CONDITIONAL_CREATE,
                        true,
                        ClientContext.CAPABILITY_CONDITIONAL_GET,
                        true))
                .build();
    }

    private static String allowCredentials(LoginStep.PasskeyChallenge challenge) {
        return ResponseEdits.read(challenge.credentialsGetJson())
                .path("publicKey")
                .path("allowCredentials")
                .toString();
    }

    /** The same assertion with another (unsigned) user handle. */
    private static String withUserHandle(String assertion, Bytes handle) {
        ObjectNode node = ResponseEdits.read(assertion);
        ((ObjectNode) node.get("response")).put("userHandle", handle.toBase64Url());
        return node.toString();
    }

    private static String crossPlatform(String assertion) {
        ObjectNode node = ResponseEdits.read(assertion);
        node.put("authenticatorAttachment", "cross-platform");
        return node.toString();
    }

    @Nested
    @DisplayName("usernameless (autofill) login")
    class Usernameless {

        private final FlowFixture fx = new FlowFixture();
        private final UserAccount alice = fx.user("alice@example.com");
        private final UserAccount bob = fx.user("bob@example.com");
        private final SoftwareAuthenticator device = FlowFixture.authenticator();
        private final Bytes aliceKey = fx.enrolPasskey(alice, device, LAPTOP);
        private final Bytes bobKey = fx.enrolPasskey(bob, device, LAPTOP);

        @Test
        @DisplayName(
                "the challenge is conditional with empty allowCredentials and the flow completes as the owner of the verified credential")
        void completesAsOwner() {
            LoginStep step = fx.flow.startUsernameless(LAPTOP);
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) step;
            assertThat(challenge.conditional()).isTrue();
            assertThat(challenge.immediate()).isFalse();
            assertThat(allowCredentials(challenge)).isIn("[]", "");

            LoginStep done = fx.flow.finishPasskey(
                    challenge.flowId(), device.authenticate(challenge.credentialsGetJson(), bobKey.toBase64Url()));

            assertThat(done).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.userHandle()).isEqualTo(bob.userHandle());
                assertThat(c.identifier()).isEqualTo("bob@example.com");
                assertThat(c.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(c.signals())
                        .containsExactly(new ClientSignal.AllAcceptedCredentials(
                                "example.com", bob.userHandle().toBase64Url(), List.of(bobKey.toBase64Url())));
            });
            assertThat(fx.attemptsOf(bob)).extracting(a -> a.outcome()).contains(AttemptOutcome.SUCCEEDED);
            assertThat(fx.stored(bobKey).lastUsedAt()).isNotNull();
            assertThat(fx.stored(aliceKey).lastUsedAt()).isNull();
        }

        @Test
        @DisplayName("a credential whose response names another account's user handle never completes, as either")
        void onlyAsOwner() {
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);
            String bobs = device.authenticate(challenge.credentialsGetJson(), bobKey.toBase64Url());

            LoginStep step = fx.flow.finishPasskey(challenge.flowId(), withUserHandle(bobs, alice.userHandle()));

            assertThat(step).isInstanceOfSatisfying(LoginStep.PasskeyChallenge.class, retry -> {
                assertThat(retry.conditional()).isTrue();
                assertThat(retry.signals()).isEmpty();
            });
            assertThat(fx.events(LoginFlowEvent.Completed.class))
                    .noneMatch(e -> e.flowId().equals(challenge.flowId()));
            // Nobody's history is written while the flow has no verified owner.
            assertThat(fx.attemptsOf(alice)).noneMatch(a -> a.outcome().isAuthenticationFailure());
            assertThat(fx.attemptsOf(bob)).noneMatch(a -> a.outcome().isAuthenticationFailure());
        }

        @Test
        @DisplayName("a passkey deleted on the server gets signalUnknownCredential and a fresh conditional challenge")
        void deletedGetsUnknownSignal() {
            fx.credentials.deleteCredential(aliceKey);
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);

            LoginStep step = fx.flow.finishPasskey(
                    challenge.flowId(), device.authenticate(challenge.credentialsGetJson(), aliceKey.toBase64Url()));

            assertThat(step).isInstanceOfSatisfying(LoginStep.PasskeyChallenge.class, retry -> {
                assertThat(retry.conditional()).isTrue();
                assertThat(retry.attempt()).isEqualTo(2);
                assertThat(retry.signals())
                        .containsExactly(new ClientSignal.UnknownCredential("example.com", aliceKey.toBase64Url()));
            });
        }

        @Test
        @DisplayName("a retired passkey never logs in through autofill and is never signalled as unknown")
        void retiredNeverLogsIn() {
            fx.credentials.setStatus(aliceKey, CredentialStatus.RETIRED);
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);

            LoginStep step = fx.flow.finishPasskey(
                    challenge.flowId(), device.authenticate(challenge.credentialsGetJson(), aliceKey.toBase64Url()));

            assertThat(step)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            retry -> assertThat(retry.signals()).isEmpty());
            assertThat(fx.stored(aliceKey).lastUsedAt()).isNull();
        }

        @Test
        @DisplayName("a usernameless flow has no traditional fallback: chooseFallback is refused and changes nothing")
        void noFallback() {
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);

            assertThatThrownBy(() -> fx.flow.chooseFallback(challenge.flowId()))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION));
            assertThatThrownBy(() -> fx.flow.fallbackSucceeded(challenge.flowId()))
                    .isInstanceOf(LoginFlowException.class);
            assertThat(fx.flow.resume(challenge.flowId()))
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.credentialsGetJson()).isEqualTo(challenge.credentialsGetJson()));
        }

        @Test
        @DisplayName("a response replayed after the completion is refused")
        void replayRefused() {
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);
            String response = device.authenticate(challenge.credentialsGetJson(), aliceKey.toBase64Url());
            assertThat(fx.flow.finishPasskey(challenge.flowId(), response)).isInstanceOf(LoginStep.Completed.class);

            assertThatThrownBy(() -> fx.flow.finishPasskey(challenge.flowId(), response))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION));
            LoginStep.PasskeyChallenge other = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);
            assertThat(fx.flow.finishPasskey(other.flowId(), response)).isInstanceOf(LoginStep.PasskeyChallenge.class);
        }

        @Test
        @DisplayName(
                "a browser error gets a calm fresh challenge; after the maximum of attempts the page must start a new flow")
        void boundedAttempts() {
            LoginStep step = fx.flow.startUsernameless(LAPTOP);
            for (int attempt = 2; attempt <= LoginFlow.Builder.DEFAULT_MAX_PASSKEY_ATTEMPTS; attempt++) {
                step = fx.flow.reportClientError(step.flowId(), "NotAllowedError", null, 400);
                assertThat(((LoginStep.PasskeyChallenge) step).calmRetry()).isTrue();
                assertThat(((LoginStep.PasskeyChallenge) step).attempt()).isEqualTo(attempt);
            }
            String flowId = step.flowId();
            assertThatThrownBy(() -> fx.flow.reportClientError(flowId, "NotAllowedError", null, 400))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION));
        }

        @Test
        @DisplayName(
                "an identifier-first flow started on the same page (the conditional request aborted) works on its own")
        void coexistsWithIdentifierFirst() {
            LoginStep conditional = fx.flow.startUsernameless(LAPTOP);
            // The page aborts the conditional request and does not report the abort.
            LoginStep.PasskeyChallenge identifierFirst = fx.startExpectingChallenge("alice@example.com", LAPTOP);
            assertThat(identifierFirst.conditional()).isFalse();
            assertThat(allowCredentials(identifierFirst)).contains(aliceKey.toBase64Url());

            LoginStep done = fx.flow.finishPasskey(
                    identifierFirst.flowId(),
                    device.authenticate(identifierFirst.credentialsGetJson(), aliceKey.toBase64Url()));

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.userHandle()).isEqualTo(alice.userHandle()));
            assertThat(fx.flow.resume(conditional.flowId())).isInstanceOf(LoginStep.PasskeyChallenge.class);
        }
    }

    @Nested
    @DisplayName("silent healing by conditional create")
    class SilentHealing {

        private final FlowFixture fx = new FlowFixture();
        private final UserAccount alice = fx.user("alice@example.com");

        private LoginStep.HealingOffer offerAfterPassword(String identifier, ClientContext client) {
            LoginStep start = fx.flow.start(identifier, client);
            assertThat(start).isInstanceOf(LoginStep.FallbackRequired.class);
            LoginStep offer = fx.flow.fallbackSucceeded(start.flowId());
            assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
            return (LoginStep.HealingOffer) offer;
        }

        @Test
        @DisplayName(
                "a client reporting conditionalCreate gets a silent offer; a registration without user presence heals it, path SILENT")
        void silentHeal() {
            LoginStep.HealingOffer offer = offerAfterPassword("alice@example.com", withConditionalCreate("mac-1"));
            assertThat(offer.silent()).isTrue();
            assertThat(offer.kind()).isEqualTo(HealingKind.FIRST_PASSKEY);

            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(),
                    FlowFixture.authenticator().registerWithoutUserPresence(offer.credentialsCreateJson()));

            assertThat(done).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.healing()).isEqualTo(HealingResult.HEALED);
                assertThat(c.newCredentialId()).isNotNull();
            });
            assertThat(fx.events(LoginFlowEvent.Healed.class)).singleElement().satisfies(h -> {
                assertThat(h.path()).isEqualTo(HealingPath.SILENT);
                assertThat(h.kind()).isEqualTo(HealingKind.FIRST_PASSKEY);
            });
            assertThat(fx.credentials.listCredentials(alice.userHandle())).hasSize(1);
        }

        @Test
        @DisplayName("a registration without user presence is refused in an explicit offer")
        void noPresenceRefusedWhenExplicit() {
            LoginStep.HealingOffer offer = offerAfterPassword("alice@example.com", LAPTOP);
            assertThat(offer.silent()).isFalse();

            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(),
                    FlowFixture.authenticator().registerWithoutUserPresence(offer.credentialsCreateJson()));

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.FAILED));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName(
                "when the browser declines silently the explicit offer follows (never both); it needs user presence and heals, path EXPLICIT")
        void declinedThenExplicit() {
            LoginStep.HealingOffer silent = offerAfterPassword("alice@example.com", withConditionalCreate("mac-1"));
            String silentRegistration =
                    FlowFixture.authenticator().registerWithoutUserPresence(silent.credentialsCreateJson());

            LoginStep step = fx.flow.silentCreateDeclined(silent.flowId());

            LoginStep.HealingOffer explicit = (LoginStep.HealingOffer) step;
            assertThat(explicit.silent()).isFalse();
            assertThat(explicit.credentialsCreateJson()).isNotEqualTo(silent.credentialsCreateJson());
            // The silent ceremony's answer arriving late is refused: its challenge is gone.
            assertThat(fx.flow.finishHealing(explicit.flowId(), silentRegistration))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.FAILED));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("after a silent decline a normal registration of the explicit offer heals")
        void explicitAfterDecline() {
            LoginStep.HealingOffer silent = offerAfterPassword("alice@example.com", withConditionalCreate("mac-1"));
            LoginStep.HealingOffer explicit = (LoginStep.HealingOffer) fx.flow.silentCreateDeclined(silent.flowId());

            LoginStep done = fx.flow.finishHealing(
                    explicit.flowId(), FlowFixture.authenticator().register(explicit.credentialsCreateJson()));

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.HEALED));
            assertThat(fx.events(LoginFlowEvent.Healed.class))
                    .singleElement()
                    .satisfies(h -> assertThat(h.path()).isEqualTo(HealingPath.EXPLICIT));
            assertThatThrownBy(() -> fx.flow.silentCreateDeclined(silent.flowId()))
                    .isInstanceOf(LoginFlowException.class);
        }

        @Test
        @DisplayName("silentCreateDeclined on an explicit offer is refused and changes nothing")
        void declineNeedsSilentOffer() {
            LoginStep.HealingOffer offer = offerAfterPassword("alice@example.com", LAPTOP);

            assertThatThrownBy(() -> fx.flow.silentCreateDeclined(offer.flowId()))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION));
            assertThat(fx.flow.resume(offer.flowId()))
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.credentialsCreateJson()).isEqualTo(offer.credentialsCreateJson()));
        }

        @Test
        @DisplayName("a silent registration made for one user's flow never registers in another user's flow")
        void neverForAnotherUser() {
            UserAccount bob = fx.user("bob@example.com");
            LoginStep.HealingOffer aliceOffer = offerAfterPassword("alice@example.com", withConditionalCreate("mac-1"));
            LoginStep.HealingOffer bobOffer = offerAfterPassword("bob@example.com", withConditionalCreate("mac-2"));
            String forAlice =
                    FlowFixture.authenticator().registerWithoutUserPresence(aliceOffer.credentialsCreateJson());

            LoginStep done = fx.flow.finishHealing(bobOffer.flowId(), forAlice);

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.FAILED));
            assertThat(fx.credentials.listCredentials(bob.userHandle())).isEmpty();
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("no registration is accepted in a flow whose user has not authenticated in it")
        void onlyAfterAuthentication() {
            LoginStep start = fx.flow.start("alice@example.com", withConditionalCreate("mac-1"));
            LoginStep.HealingOffer elsewhere = offerAfterPassword("alice@example.com", withConditionalCreate("mac-1"));
            String registration =
                    FlowFixture.authenticator().registerWithoutUserPresence(elsewhere.credentialsCreateJson());

            assertThatThrownBy(() -> fx.flow.finishHealing(start.flowId(), registration))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }
    }

    @Nested
    @DisplayName("append kinds and their cooldowns")
    class Kinds {

        @Test
        @DisplayName("host-initiated enrolment reports ENROLMENT and ENROLLED, never healing")
        void enrolmentIsNotHealing() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");

            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.enrol(alice.identifier(), LAPTOP);
            assertThat(offer.kind()).isEqualTo(HealingKind.ENROLMENT);
            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(), FlowFixture.authenticator().register(offer.credentialsCreateJson()));

            assertThat(((LoginStep.Completed) done).healing()).isEqualTo(HealingResult.ENROLLED);
            assertThat(fx.events(LoginFlowEvent.Enrolled.class)).hasSize(1);
            assertThat(fx.events(LoginFlowEvent.Healed.class)).isEmpty();
            assertThat(fx.attemptsOf(alice))
                    .singleElement()
                    .satisfies(a -> assertThat(a.offerKind()).isEqualTo("ENROLMENT"));
        }

        @Test
        @DisplayName("a declined first-passkey offer is not shown again for 7 days on any device, then it is")
        void declineCooldown() {
            FlowFixture fx = new FlowFixture();
            fx.user("alice@example.com");
            LoginStep offer = fx.flow.fallbackSucceeded(
                    fx.flow.start("alice@example.com", LAPTOP).flowId());
            fx.flow.declineHealing(offer.flowId());

            LoginStep again = fx.flow.fallbackSucceeded(fx.flow
                    .start("alice@example.com", FlowFixture.device("phone-2"))
                    .flowId());
            assertThat(again).isInstanceOf(LoginStep.Completed.class);

            fx.clock.advance(Duration.ofDays(7));
            LoginStep later = fx.flow.fallbackSucceeded(
                    fx.flow.start("alice@example.com", LAPTOP).flowId());
            assertThat(later)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.FIRST_PASSKEY));
        }

        @Test
        @DisplayName("three unanswered offers stop the fourth; a created passkey resets the count")
        void unansweredOffers() {
            FlowFixture fx = new FlowFixture();
            fx.user("alice@example.com");
            for (int i = 0; i < 3; i++) {
                assertThat(fx.flow.fallbackSucceeded(
                                fx.flow.start("alice@example.com", LAPTOP).flowId()))
                        .isInstanceOf(LoginStep.HealingOffer.class);
            }
            assertThat(fx.flow.fallbackSucceeded(
                            fx.flow.start("alice@example.com", LAPTOP).flowId()))
                    .isInstanceOf(LoginStep.Completed.class);
            fx.clock.advance(Duration.ofDays(30));
            assertThat(fx.flow.fallbackSucceeded(
                            fx.flow.start("alice@example.com", LAPTOP).flowId()))
                    .isInstanceOf(LoginStep.HealingOffer.class);
        }

        @Test
        @DisplayName("cooldowns live in the shared event store: a decline on one node holds on another")
        void sharedAcrossNodes() {
            InMemoryPasskeyEventRepository shared = new InMemoryPasskeyEventRepository();
            FlowFixture nodeA = new FlowFixture(b -> b.passkeyEventRepository(shared));
            nodeA.user("alice@example.com");
            LoginFlow nodeB = LoginFlow.builder()
                    .rpId(FlowFixture.RP_ID)
                    .rpName("Example")
                    .origin(FlowFixture.ORIGIN)
                    .credentialRepository(nodeA.credentials)
                    .loginAttemptRepository(nodeA.attempts)
                    .flowStateRepository(new InMemoryFlowStateRepository(nodeA.clock))
                    .clock(nodeA.clock)
                    .passkeyEventRepository(shared)
                    .build();

            LoginStep offer = nodeA.flow.fallbackSucceeded(
                    nodeA.flow.start("alice@example.com", LAPTOP).flowId());
            nodeA.flow.declineHealing(offer.flowId());

            assertThat(nodeB.fallbackSucceeded(
                            nodeB.start("alice@example.com", LAPTOP).flowId()))
                    .isInstanceOf(LoginStep.Completed.class);
        }
    }

    /** The default advisor, plus an after-hybrid offer on every cross-device success. */
    static final class HybridOfferingAdvisor implements LoginAdvisor {
        private final ThresholdLoginAdvisor base = ThresholdLoginAdvisor.ofDefaults();

        @Override
        public StartDecision onStart(StartContext context) {
            return base.onStart(context);
        }

        @Override
        public FailureDecision onPasskeyFailure(FailureContext context) {
            return base.onPasskeyFailure(context);
        }

        @Override
        public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
            return base.onAuthenticatedWithoutPasskey(context);
        }

        @Override
        public HealingDecision onCrossDeviceSuccess(PasskeySuccessContext context) {
            return HealingDecision.Offer.of(
                    HealingKind.AFTER_HYBRID,
                    FailureDiagnosis.unknown(),
                    ClientPlatform.of(context.client()),
                    DecisionTag.AFTER_HYBRID);
        }
    }

    @Nested
    @DisplayName("after-hybrid offer")
    class AfterHybrid {

        private final FlowFixture fx = new FlowFixture(b -> b.advisor(new HybridOfferingAdvisor()));
        private final UserAccount alice = fx.user("alice@example.com");
        private final SoftwareAuthenticator phone = FlowFixture.authenticator();
        private final Bytes phoneKey = fx.enrolPasskey(alice, phone, FlowFixture.device("phone-1"));

        private LoginStep hybridLogin(ClientContext on) {
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", on);
            return fx.flow.finishPasskey(
                    challenge.flowId(),
                    crossPlatform(phone.authenticate(challenge.credentialsGetJson(), phoneKey.toBase64Url())));
        }

        @Test
        @DisplayName(
                "a passkey login from a phone (hybrid) on a laptop that can create one offers a local passkey, which is stored")
        void offersLocalPasskey() {
            LoginStep step = hybridLogin(LAPTOP);

            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) step;
            assertThat(offer.kind()).isEqualTo(HealingKind.AFTER_HYBRID);
            assertThat(offer.credentialsCreateJson()).contains(phoneKey.toBase64Url()); // excluded: already known
            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(), FlowFixture.authenticator().register(offer.credentialsCreateJson()));
            assertThat(((LoginStep.Completed) done).healing()).isEqualTo(HealingResult.HEALED);
            assertThat(fx.credentials.listCredentials(alice.userHandle())).hasSize(2);
        }

        @Test
        @DisplayName("a declined after-hybrid offer is not repeated on that device for 30 days, but still on another")
        void declinedOfferCoolsDown() {
            fx.flow.declineHealing(hybridLogin(LAPTOP).flowId());

            assertThat(hybridLogin(LAPTOP)).isInstanceOf(LoginStep.Completed.class);
            assertThat(hybridLogin(FlowFixture.device("desktop-2"))).isInstanceOf(LoginStep.HealingOffer.class);
            fx.clock.advance(Duration.ofDays(30));
            assertThat(hybridLogin(LAPTOP)).isInstanceOf(LoginStep.HealingOffer.class);
        }
    }

    @Nested
    @DisplayName("signals after completions")
    class Signals {

        @Test
        @DisplayName(
                "a password login of an account with passkeys carries signalAllAcceptedCredentials with the full list, retired ones left out")
        void passwordCompletionSignals() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator device = FlowFixture.authenticator();
            Bytes kept = fx.enrolPasskey(alice, device, LAPTOP);
            Bytes other = fx.enrolPasskey(alice, FlowFixture.authenticator(), LAPTOP);
            Bytes retired = fx.enrolPasskey(alice, FlowFixture.authenticator(), LAPTOP);
            fx.credentials.setStatus(retired, CredentialStatus.RETIRED);

            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", LAPTOP);
            LoginStep fallback = fx.flow.chooseFallback(challenge.flowId());
            LoginStep done = fx.flow.fallbackSucceeded(fallback.flowId());

            assertThat(done).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.method()).isEqualTo(AuthenticationMethod.FALLBACK);
                assertThat(c.signals())
                        .containsExactly(new ClientSignal.AllAcceptedCredentials(
                                "example.com",
                                alice.userHandle().toBase64Url(),
                                List.of(kept.toBase64Url(), other.toBase64Url())));
            });
        }

        @Test
        @DisplayName(
                "an account without any accepted passkey gets no accepted-credentials signal (an empty list would hide everything)")
        void noEmptyList() {
            FlowFixture fx = new FlowFixture();
            fx.user("alice@example.com");
            LoginStep offer = fx.flow.fallbackSucceeded(
                    fx.flow.start("alice@example.com", LAPTOP).flowId());

            LoginStep done = fx.flow.declineHealing(offer.flowId());

            assertThat(done.signals()).isEmpty();
        }
    }
}
