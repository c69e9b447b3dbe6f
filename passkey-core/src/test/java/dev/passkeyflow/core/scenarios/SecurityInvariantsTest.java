package dev.passkeyflow.core.scenarios;

import static dev.passkeyflow.core.scenarios.FlowFixture.authenticator;
import static dev.passkeyflow.core.scenarios.FlowFixture.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.Fault;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("LoginFlow security invariants")
class SecurityInvariantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientContext laptop = device("laptop-1");

    @Nested
    @DisplayName("healing registration")
    class HealingRegistration {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("is refused in a flow whose user has not authenticated yet")
        void notBeforeAuthentication() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge pending = fx.startExpectingChallenge("alice@example.com", laptop);
            LoginStep fallback = fx.flow.start("alice@example.com", laptop);
            fx.flow.chooseFallback(fallback.flowId());
            int before = fx.credentials.listCredentials(alice.userHandle()).size();

            for (String flowId : List.of(pending.flowId(), fallback.flowId())) {
                LoginFlowException declined =
                        catchThrowableOfType(LoginFlowException.class, () -> fx.flow.declineHealing(flowId));
                LoginFlowException finished =
                        catchThrowableOfType(LoginFlowException.class, () -> fx.flow.finishHealing(flowId, "{}"));
                assertThat(declined.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION);
                assertThat(finished.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION);
            }
            assertThat(fx.credentials.listCredentials(alice.userHandle())).hasSize(before);
        }

        @Test
        @DisplayName("is bound to the flow's user, cannot be finished twice, and not after the flow expires")
        void boundSingleUseAndTimed() {
            UserAccount carol = fx.user("carol@example.com");
            LoginStep step = fx.flow.start("carol@example.com", laptop);
            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(step.flowId());
            String response = authenticator().register(offer.credentialsCreateJson());

            LoginStep.Completed done = (LoginStep.Completed) fx.flow.finishHealing(offer.flowId(), response);
            assertThat(fx.stored(done.newCredentialId()).userHandle()).isEqualTo(carol.userHandle());
            LoginFlowException twice = catchThrowableOfType(
                    LoginFlowException.class, () -> fx.flow.finishHealing(offer.flowId(), response));
            assertThat(twice.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION);

            LoginStep.HealingOffer lateOffer =
                    (LoginStep.HealingOffer) fx.flow.enrol("carol@example.com", device("other"));
            String lateResponse = authenticator().register(lateOffer.credentialsCreateJson());
            fx.clock.advance(Duration.ofMinutes(5));
            LoginFlowException expired = catchThrowableOfType(
                    LoginFlowException.class, () -> fx.flow.finishHealing(lateOffer.flowId(), lateResponse));
            assertThat(expired.reason()).isEqualTo(Reason.UNKNOWN_FLOW);
            assertThat(fx.credentials.listCredentials(carol.userHandle())).hasSize(1);
        }

        @Test
        @DisplayName("made for one user's offer cannot be used in another user's flow")
        void notFromAnotherUsersFlow() {
            UserAccount carol = fx.user("carol@example.com");
            UserAccount mallory = fx.user("mallory@example.com");
            LoginStep carolFlow = fx.flow.start("carol@example.com", laptop);
            LoginStep.HealingOffer carolOffer = (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(carolFlow.flowId());
            LoginStep malloryFlow = fx.flow.start("mallory@example.com", laptop);
            LoginStep.HealingOffer malloryOffer =
                    (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(malloryFlow.flowId());

            // Mallory's authenticator answers Mallory's offer; she submits it to Carol's flow.
            String mallorysCredential = authenticator().register(malloryOffer.credentialsCreateJson());
            LoginStep result = fx.flow.finishHealing(carolOffer.flowId(), mallorysCredential);

            assertThat(result)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.FAILED));
            assertThat(fx.credentials.listCredentials(carol.userHandle())).isEmpty();
            assertThat(fx.credentials.listCredentials(mallory.userHandle())).isEmpty();
        }
    }

    @Nested
    @DisplayName("challenges")
    class Challenges {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("a replayed assertion is rejected")
        void replayRejected() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());

            assertThat(fx.flow.finishPasskey(challenge.flowId(), response)).isInstanceOf(LoginStep.Completed.class);
            LoginFlowException replay = catchThrowableOfType(
                    LoginFlowException.class, () -> fx.flow.finishPasskey(challenge.flowId(), response));
            assertThat(replay.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION);
        }

        @Test
        @DisplayName("an answer to an earlier challenge of the same flow is rejected after a retry")
        void oldChallengeRejected() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge first = fx.startExpectingChallenge("alice@example.com", laptop);
            String oldResponse = authenticator.authenticate(first.credentialsGetJson());
            LoginStep retry = fx.flow.reportClientError(first.flowId(), "NotAllowedError", null, 3000);
            assertThat(retry).isInstanceOf(LoginStep.PasskeyChallenge.class);

            LoginStep step = fx.flow.finishPasskey(first.flowId(), oldResponse);

            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.CHALLENGE_MISMATCH);
        }

        @Test
        @DisplayName("two concurrent finishes of one flow give exactly one success")
        void concurrentFinishes() throws Exception {
            CyclicBarrier bothLoaded = new CyclicBarrier(2);
            AtomicBoolean racing = new AtomicBoolean(false);
            FlowFixture racingFx = new FlowFixture(b -> b, null, self -> new DelegatingFlows(self.flows) {
                @Override
                public Optional<FlowRecord> load(String flowId) {
                    Optional<FlowRecord> record = target.load(flowId);
                    if (racing.get()) {
                        await(bothLoaded);
                    }
                    return record;
                }
            });
            UserAccount alice = racingFx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            racingFx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = racingFx.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());

            racing.set(true);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    try {
                        return racingFx.flow.finishPasskey(challenge.flowId(), response);
                    } catch (LoginFlowException e) {
                        return e.reason();
                    }
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> result : results) {
                outcomes.add(result.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();

            assertThat(outcomes)
                    .filteredOn(LoginStep.Completed.class::isInstance)
                    .hasSize(1);
            assertThat(outcomes).filteredOn(o -> o == Reason.CONFLICT).hasSize(1);
        }
    }

    @Nested
    @DisplayName("completions")
    class Completions {

        @Test
        @DisplayName("a duplicate arriving while the winner is still writing its effects gets no second success")
        void duplicateDuringEffects() throws Exception {
            java.util.concurrent.CountDownLatch winnerWriting = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch duplicateDone = new java.util.concurrent.CountDownLatch(1);
            AtomicBoolean holdFirstUse = new AtomicBoolean(false);
            FlowFixture fx = new FlowFixture(
                    b -> b,
                    self -> new DelegatingCredentials(self.credentials) {
                        @Override
                        public boolean recordUse(
                                Bytes credentialId, long count, boolean backupState, Instant at, ClientInfo on) {
                            if (holdFirstUse.getAndSet(false)) {
                                winnerWriting.countDown();
                                try {
                                    duplicateDone.await(10, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            return super.recordUse(credentialId, count, backupState, at, on);
                        }
                    },
                    null);
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            holdFirstUse.set(true);

            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Object> winner =
                    pool.submit(() -> outcome(() -> fx.flow.finishPasskey(challenge.flowId(), response)));
            assertThat(winnerWriting.await(10, TimeUnit.SECONDS)).isTrue();
            Object duplicate = outcome(() -> fx.flow.finishPasskey(challenge.flowId(), response));
            duplicateDone.countDown();
            Object first = winner.get(10, TimeUnit.SECONDS);
            pool.shutdown();

            assertThat(List.of(first, duplicate))
                    .filteredOn(LoginStep.Completed.class::isInstance)
                    .hasSize(1);
            assertThat(List.of(first, duplicate))
                    .filteredOn(o -> o == Reason.CONFLICT)
                    .hasSize(1);
        }

        @Test
        @DisplayName("a completed flow is not handed out again by resume")
        void resumeDoesNotRepeatCompletion() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            assertThat(fx.answer(challenge, authenticator, 500)).isInstanceOf(LoginStep.Completed.class);

            LoginFlowException again =
                    catchThrowableOfType(LoginFlowException.class, () -> fx.flow.resume(challenge.flowId()));

            assertThat(again.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION);
        }

        private Object outcome(java.util.function.Supplier<LoginStep> call) {
            try {
                return call.get();
            } catch (LoginFlowException e) {
                return e.reason();
            }
        }
    }

    @Nested
    @DisplayName("identity")
    class Identity {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("another user's passkey cannot finish a login started for this user (YSA-2026-02 pattern)")
        void otherUsersCredentialRejected() throws Exception {
            UserAccount alice = fx.user("alice@example.com");
            UserAccount bob = fx.user("bob@example.com");
            fx.enrolPasskey(alice, authenticator(), laptop);
            SoftwareAuthenticator bobsAuthenticator = authenticator();
            Bytes bobsCredential = fx.enrolPasskey(bob, bobsAuthenticator, device("bob-laptop"));

            LoginStep.PasskeyChallenge aliceChallenge = fx.startExpectingChallenge("alice@example.com", laptop);
            // Bob answers Alice's challenge with his own discoverable passkey and his own user handle.
            ObjectNode options = (ObjectNode) JSON.readTree(aliceChallenge.credentialsGetJson());
            ((ObjectNode) options.get("publicKey")).putArray("allowCredentials");
            String bobsResponse = bobsAuthenticator.authenticate(options.toString());

            LoginStep step = fx.flow.finishPasskey(aliceChallenge.flowId(), bobsResponse);

            assertThat(step).isNotInstanceOf(LoginStep.Completed.class);
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.WRONG_USER);
            assertThat(fx.stored(bobsCredential).lastUsedAt()).isNull();
        }

        @Test
        @DisplayName("a credential the server does not know is reported for signalUnknownCredential")
        void unknownCredentialSignalled() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes id = fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            fx.credentials.deleteCredential(id);

            LoginStep step = fx.flow.finishPasskey(challenge.flowId(), response);

            assertThat(step.signals())
                    .containsExactly(new ClientSignal.UnknownCredential(FlowFixture.RP_ID, id.toBase64Url()));
        }

        @Test
        @DisplayName("a bad signature, a wrong origin and a counter regression fall back at once")
        void verificationFailuresFallBack() {
            for (Fault fault : List.of(Fault.CORRUPT_SIGNATURE, Fault.WRONG_ORIGIN, Fault.COUNTER_BACKWARDS)) {
                FlowFixture local = new FlowFixture();
                UserAccount alice = local.user("alice@example.com");
                SoftwareAuthenticator authenticator = authenticator();
                local.enrolPasskey(alice, authenticator, laptop);
                assertThat(local.answer(local.startExpectingChallenge("alice@example.com", laptop), authenticator, 500))
                        .isInstanceOf(LoginStep.Completed.class);
                authenticator.injectOnNextCall(fault);

                LoginStep step =
                        local.answer(local.startExpectingChallenge("alice@example.com", laptop), authenticator, 500);

                assertThat(step).as(fault.name()).isInstanceOf(LoginStep.FallbackRequired.class);
                assertThat(local.attemptsOf(alice).get(0).outcome())
                        .as(fault.name())
                        .isEqualTo(
                                switch (fault) {
                                    case CORRUPT_SIGNATURE -> AttemptOutcome.BAD_SIGNATURE;
                                    case WRONG_ORIGIN -> AttemptOutcome.ORIGIN_MISMATCH;
                                    case COUNTER_BACKWARDS -> AttemptOutcome.COUNTER_REGRESSION;
                                    case NO_USER_VERIFICATION -> AttemptOutcome.USER_VERIFICATION_MISSING;
                                });
            }
        }

        @Test
        @DisplayName("missing user verification is rejected when the flow requires it")
        void userVerificationRequired() {
            FlowFixture strict =
                    new FlowFixture(b -> b.userVerification(dev.passkeyflow.core.LoginFlow.UserVerification.REQUIRED));
            UserAccount alice = strict.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            strict.enrolPasskey(alice, authenticator, laptop);
            authenticator.injectOnNextCall(Fault.NO_USER_VERIFICATION);

            LoginStep step =
                    strict.answer(strict.startExpectingChallenge("alice@example.com", laptop), authenticator, 500);

            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(strict.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.USER_VERIFICATION_MISSING);
        }

        @Test
        @DisplayName("a retired passkey cannot log in, a suspected-broken one still can")
        void statusesRespected() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes id = fx.enrolPasskey(alice, authenticator, laptop);
            fx.credentials.setStatus(id, CredentialStatus.SUSPECTED_BROKEN);
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), authenticator, 500))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.method()).isEqualTo(AuthenticationMethod.PASSKEY));
            fx.credentials.setStatus(id, CredentialStatus.RETIRED);

            assertThat(fx.flow.start("alice@example.com", laptop)).isInstanceOf(LoginStep.FallbackRequired.class);
        }
    }

    @Nested
    @DisplayName("bad input and failing storage")
    class BadInput {

        @Test
        @DisplayName("malformed, mistyped and oversized responses are refused and the user can still finish")
        void badInputLeavesFlowUsable() {
            FlowFixture fx = new FlowFixture(b -> b.maxResponseBytes(4096));
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            FlowRecord before = fx.flows.load(challenge.flowId()).orElseThrow();

            for (String bad : List.of("not json", "{\"id\": 42, \"response\": []}", "[]", "x".repeat(5000))) {
                LoginFlowException error = catchThrowableOfType(
                        LoginFlowException.class, () -> fx.flow.finishPasskey(challenge.flowId(), bad));
                assertThat(error.reason())
                        .as(bad.substring(0, Math.min(10, bad.length())))
                        .isEqualTo(Reason.INVALID_INPUT);
            }

            assertThat(fx.flows.load(challenge.flowId())).contains(before);
            assertThat(fx.answer(challenge, authenticator, 500)).isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName(
                "a storage failure in the middle of a step is typed, leaves no half-done state, and can be retried")
        void storageFailureRetried() {
            AtomicBoolean failNextUse = new AtomicBoolean(false);
            FlowFixture failing = new FlowFixture(
                    b -> b,
                    self -> new DelegatingCredentials(self.credentials) {
                        @Override
                        public boolean recordUse(
                                Bytes credentialId, long count, boolean backupState, Instant at, ClientInfo on) {
                            if (failNextUse.getAndSet(false)) {
                                throw new StorageException(StorageException.Reason.UNAVAILABLE, "connection reset");
                            }
                            return super.recordUse(credentialId, count, backupState, at, on);
                        }
                    },
                    null);
            UserAccount alice = failing.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes id = failing.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = failing.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            failNextUse.set(true);

            LoginFlowException error = catchThrowableOfType(
                    LoginFlowException.class, () -> failing.flow.finishPasskey(challenge.flowId(), response));

            assertThat(error.reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(error.getCause()).isInstanceOf(StorageException.class);
            assertThat(failing.credentials.findCredential(id).orElseThrow().lastUsedAt())
                    .isNull();
            assertThat(failing.attemptsOf(alice)).extracting(a -> a.outcome()).doesNotContain(AttemptOutcome.SUCCEEDED);

            LoginStep retried = failing.flow.finishPasskey(challenge.flowId(), response);

            assertThat(retried).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(c.signals()).hasSize(1);
            });
            assertThat(failing.credentials.findCredential(id).orElseThrow().lastUsedAt())
                    .isNotNull();
            assertThat(failing.attemptsOf(alice))
                    .extracting(a -> a.outcome())
                    .containsOnlyOnce(AttemptOutcome.SUCCEEDED);
            assertThat(catchThrowableOfType(
                                    LoginFlowException.class,
                                    () -> failing.flow.finishPasskey(challenge.flowId(), response))
                            .reason())
                    .isEqualTo(Reason.ILLEGAL_TRANSITION);
        }

        @Test
        @DisplayName("a storage failure while storing the flow changes nothing, and the same call can be retried")
        void flowStorageFailureRetried() {
            AtomicBoolean failNextUpdate = new AtomicBoolean(false);
            FlowFixture failing = new FlowFixture(b -> b, null, self -> new DelegatingFlows(self.flows) {
                @Override
                public boolean update(FlowRecord updated) {
                    if (failNextUpdate.getAndSet(false)) {
                        throw new StorageException(StorageException.Reason.UNAVAILABLE, "connection reset");
                    }
                    return super.update(updated);
                }
            });
            UserAccount alice = failing.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes id = failing.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = failing.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            FlowRecord before = failing.flows.load(challenge.flowId()).orElseThrow();
            failNextUpdate.set(true);

            LoginFlowException error = catchThrowableOfType(
                    LoginFlowException.class, () -> failing.flow.finishPasskey(challenge.flowId(), response));

            assertThat(error.reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(failing.flows.load(challenge.flowId())).contains(before);
            assertThat(failing.credentials.findCredential(id).orElseThrow().lastUsedAt())
                    .isNull();
            assertThat(failing.flow.finishPasskey(challenge.flowId(), response))
                    .isInstanceOf(LoginStep.Completed.class);
            assertThat(failing.credentials.findCredential(id).orElseThrow().lastUsedAt())
                    .isNotNull();
        }

        @Test
        @DisplayName("a heal whose credential write failed is completed by retrying it, storing the passkey once")
        void healingStorageFailureRetried() {
            AtomicBoolean failNextSave = new AtomicBoolean(false);
            FlowFixture failing = new FlowFixture(
                    b -> b,
                    self -> new DelegatingCredentials(self.credentials) {
                        @Override
                        public void saveCredential(StoredCredential credential) {
                            if (failNextSave.getAndSet(false)) {
                                throw new StorageException(StorageException.Reason.UNAVAILABLE, "connection reset");
                            }
                            super.saveCredential(credential);
                        }
                    },
                    null);
            UserAccount carol = failing.user("carol@example.com");
            LoginStep step = failing.flow.start("carol@example.com", laptop);
            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) failing.flow.fallbackSucceeded(step.flowId());
            String created = authenticator().register(offer.credentialsCreateJson());
            failNextSave.set(true);

            LoginFlowException error = catchThrowableOfType(
                    LoginFlowException.class, () -> failing.flow.finishHealing(offer.flowId(), created));
            assertThat(error.reason()).isEqualTo(Reason.STORAGE_FAILURE);
            assertThat(failing.credentials.listCredentials(carol.userHandle())).isEmpty();

            LoginStep done = failing.flow.finishHealing(offer.flowId(), created);

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.HEALED));
            assertThat(failing.credentials.listCredentials(carol.userHandle())).hasSize(1);
        }
    }

    @Nested
    @DisplayName("flow ids")
    class FlowIds {

        @Test
        @DisplayName("carry at least 128 random bits and never repeat")
        void random() {
            FlowFixture fx = new FlowFixture(b -> b.throttle(dev.passkeyflow.core.LoginThrottle.custom()
                    .maxStartsPerDevice(1_000)
                    .build()));
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 500; i++) {
                String id = fx.flow.start("user" + i + "@example.com", laptop).flowId();
                assertThat(Bytes.fromBase64Url(id).length()).isGreaterThanOrEqualTo(16);
                ids.add(id);
            }
            assertThat(ids).hasSize(500);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A flow repository that forwards to another one. */
    abstract static class DelegatingFlows implements FlowStateRepository {
        final FlowStateRepository target;

        DelegatingFlows(FlowStateRepository target) {
            this.target = target;
        }

        @Override
        public void create(FlowRecord flow) {
            target.create(flow);
        }

        @Override
        public Optional<FlowRecord> load(String flowId) {
            return target.load(flowId);
        }

        @Override
        public boolean update(FlowRecord updated) {
            return target.update(updated);
        }

        @Override
        public boolean delete(String flowId) {
            return target.delete(flowId);
        }

        @Override
        public int purgeExpired() {
            return target.purgeExpired();
        }
    }

    /** A credential repository that forwards to another one. */
    static class DelegatingCredentials implements CredentialRepository {
        private final CredentialRepository target;

        DelegatingCredentials(CredentialRepository target) {
            this.target = target;
        }

        @Override
        public Optional<UserAccount> findUserByIdentifier(String identifier) {
            return target.findUserByIdentifier(identifier);
        }

        @Override
        public Optional<UserAccount> findUserByHandle(Bytes userHandle) {
            return target.findUserByHandle(userHandle);
        }

        @Override
        public void saveUser(UserAccount account) {
            target.saveUser(account);
        }

        @Override
        public List<StoredCredential> listCredentials(Bytes userHandle) {
            return target.listCredentials(userHandle);
        }

        @Override
        public Optional<StoredCredential> findCredential(Bytes credentialId) {
            return target.findCredential(credentialId);
        }

        @Override
        public void saveCredential(StoredCredential credential) {
            target.saveCredential(credential);
        }

        @Override
        public boolean recordUse(
                Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
            return target.recordUse(credentialId, signatureCount, backupState, usedAt, usedOn);
        }

        @Override
        public boolean setStatus(Bytes credentialId, CredentialStatus status) {
            return target.setStatus(credentialId, status);
        }

        @Override
        public boolean deleteCredential(Bytes credentialId) {
            return target.deleteCredential(credentialId);
        }
    }
}
