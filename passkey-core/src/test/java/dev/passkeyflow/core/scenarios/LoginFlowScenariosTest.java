package dev.passkeyflow.core.scenarios;

import static dev.passkeyflow.core.scenarios.FlowFixture.authenticator;
import static dev.passkeyflow.core.scenarios.FlowFixture.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.Fault;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("LoginFlow end to end, with a software authenticator and in-memory storage")
class LoginFlowScenariosTest {

    private final FlowFixture fx = new FlowFixture();
    private final ClientContext laptop = device("laptop-1");
    private final ClientContext phone = device("phone-1");

    @Nested
    @DisplayName("(a) a working passkey")
    class WorkingPasskey {

        @Test
        @DisplayName("logs the user in with the passkey and names the dashboard")
        void passkeyLoginSucceeds() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes credentialId = fx.enrolPasskey(alice, authenticator, laptop);

            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("  Alice@Example.com ", laptop);
            assertThat(challenge.autoStart()).isTrue();
            assertThat(challenge.attempt()).isEqualTo(1);
            assertThat(challenge.credentialsGetJson()).contains("\"publicKey\"").contains(credentialId.toBase64Url());

            LoginStep step = fx.answer(challenge, authenticator, 900);

            assertThat(step).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
                assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(done.userHandle()).isEqualTo(alice.userHandle());
                assertThat(done.healing()).isEqualTo(HealingResult.NOT_OFFERED);
                assertThat(done.redirectTo()).isEqualTo("/dashboard");
                assertThat(done.signals())
                        .singleElement()
                        .isInstanceOfSatisfying(ClientSignal.AllAcceptedCredentials.class, signal -> {
                            assertThat(signal.rpId()).isEqualTo(FlowFixture.RP_ID);
                            assertThat(signal.userId())
                                    .isEqualTo(alice.userHandle().toBase64Url());
                            assertThat(signal.allAcceptedCredentialIds()).containsExactly(credentialId.toBase64Url());
                        });
            });
            assertThat(fx.stored(credentialId).lastUsedAt()).isEqualTo(fx.clock.instant());
            assertThat(fx.stored(credentialId).lastUsedOn().deviceId()).isEqualTo("laptop-1");
            assertThat(fx.attemptsOf(alice))
                    .extracting(LoginAttempt::outcome)
                    .first()
                    .isEqualTo(AttemptOutcome.SUCCEEDED);
        }
    }

    @Nested
    @DisplayName("(b) a passkey deleted on this device")
    class DeletedLocally {

        @Test
        @DisplayName("fails twice, falls back, heals, flags the old passkey, and the next login just works")
        void deletedPasskeyHeals() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes oldId = fx.enrolPasskey(alice, authenticator, laptop);
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), authenticator, 700))
                    .isInstanceOf(LoginStep.Completed.class);
            authenticator.lose(oldId.toBase64Url());

            LoginStep.PasskeyChallenge first = fx.startExpectingChallenge("alice@example.com", laptop);
            assertThat(first.autoStart()).isTrue();
            assertThat(FlowFixture.failingCeremony(first, authenticator)).isEqualTo("NotAllowedError");
            LoginStep retry = fx.flow.reportClientError(first.flowId(), "NotAllowedError", "no credential", 40);

            assertThat(retry).isInstanceOfSatisfying(LoginStep.PasskeyChallenge.class, c -> {
                assertThat(c.calmRetry()).isTrue();
                assertThat(c.attempt()).isEqualTo(2);
                assertThat(c.credentialsGetJson()).isNotEqualTo(first.credentialsGetJson());
            });
            LoginStep fallback = fx.answer((LoginStep.PasskeyChallenge) retry, authenticator, 35);
            assertThat(fallback)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.reason()).isEqualTo(FallbackReason.PASSKEY_FAILED));

            LoginStep offer = fx.flow.fallbackSucceeded(fallback.flowId());
            assertThat(offer)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
            LoginStep healed = fx.flow.finishHealing(
                    offer.flowId(), authenticator.register(((LoginStep.HealingOffer) offer).credentialsCreateJson()));

            assertThat(healed).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
                assertThat(done.method()).isEqualTo(AuthenticationMethod.FALLBACK);
                assertThat(done.healing()).isEqualTo(HealingResult.HEALED);
                assertThat(done.newCredentialId()).isNotNull().isNotEqualTo(oldId);
                assertThat(fx.stored(done.newCredentialId()).status()).isEqualTo(CredentialStatus.ACTIVE);
                assertThat(done.signals())
                        .singleElement()
                        .isInstanceOfSatisfying(
                                ClientSignal.AllAcceptedCredentials.class,
                                s -> assertThat(s.allAcceptedCredentialIds())
                                        .containsExactlyInAnyOrder(
                                                oldId.toBase64Url(),
                                                done.newCredentialId().toBase64Url()));
            });
            assertThat(fx.stored(oldId).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);

            int failuresBefore =
                    fx.events(LoginFlowEvent.PasskeyAttemptFailed.class).size();
            LoginStep next = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), authenticator, 800);
            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            done -> assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY));
            assertThat(fx.events(LoginFlowEvent.PasskeyAttemptFailed.class)).hasSize(failuresBefore);
        }
    }

    @Nested
    @DisplayName("(c) a device signed into a different cloud account")
    class DifferentCloudAccount {

        @Test
        @DisplayName("heals on this device while the synced passkey keeps working on the other device")
        void healHereOldPasskeyWorksThere() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator laptopKeychain = SoftwareAuthenticator.builder()
                    .origin(FlowFixture.ORIGIN)
                    .syncedPasskey()
                    .build();
            Bytes syncedId = fx.enrolPasskey(alice, laptopKeychain, laptop);
            SoftwareAuthenticator phoneKeychain = SoftwareAuthenticator.builder()
                    .origin(FlowFixture.ORIGIN)
                    .syncedPasskey()
                    .build();
            laptopKeychain.copyTo(phoneKeychain, syncedId.toBase64Url());
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), laptopKeychain, 700))
                    .isInstanceOf(LoginStep.Completed.class);

            // The laptop is now signed into another account: its keychain is a different, empty one.
            SoftwareAuthenticator otherAccountKeychain = SoftwareAuthenticator.builder()
                    .origin(FlowFixture.ORIGIN)
                    .syncedPasskey()
                    .build();
            LoginStep step = fx.startExpectingChallenge("alice@example.com", laptop);
            step = fx.answer((LoginStep.PasskeyChallenge) step, otherAccountKeychain, 30);
            step = fx.answer((LoginStep.PasskeyChallenge) step, otherAccountKeychain, 30);
            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(step.flowId());
            LoginStep.Completed healed = (LoginStep.Completed)
                    fx.flow.finishHealing(offer.flowId(), otherAccountKeychain.register(offer.credentialsCreateJson()));
            assertThat(healed.healing()).isEqualTo(HealingResult.HEALED);
            assertThat(fx.stored(syncedId).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(fx.stored(healed.newCredentialId()).backupEligible()).isTrue();

            LoginStep onPhone = fx.answer(fx.startExpectingChallenge("alice@example.com", phone), phoneKeychain, 900);
            assertThat(onPhone).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
                assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(done.userHandle()).isEqualTo(alice.userHandle());
            });
            assertThat(fx.stored(syncedId).lastUsedOn().deviceId()).isEqualTo("phone-1");
        }
    }

    @Nested
    @DisplayName("(d) a password manager that is signed out")
    class PasswordManagerSignedOut {

        @Test
        @DisplayName("takes the same fallback-and-heal path and keeps the provider's AAGUID")
        void thirdPartyProviderHeals() {
            UUID passwordManagerAaguid = UUID.fromString("bada5566-a7aa-401f-bd96-45619a55120d");
            UserAccount bob = fx.user("bob@example.com");
            SoftwareAuthenticator manager = SoftwareAuthenticator.builder()
                    .origin(FlowFixture.ORIGIN)
                    .aaguid(passwordManagerAaguid)
                    .syncedPasskey()
                    .build();
            Bytes managed = fx.enrolPasskey(bob, manager, laptop);
            assertThat(fx.stored(managed).aaguid().toByteArray()).hasSize(16);
            manager.loseAll();

            LoginStep step = fx.startExpectingChallenge("bob@example.com", laptop);
            step = fx.answer((LoginStep.PasskeyChallenge) step, manager, 20);
            step = fx.answer((LoginStep.PasskeyChallenge) step, manager, 20);
            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(step.flowId());
            SoftwareAuthenticator platform = authenticator();
            LoginStep.Completed healed = (LoginStep.Completed)
                    fx.flow.finishHealing(offer.flowId(), platform.register(offer.credentialsCreateJson()));

            assertThat(healed.healing()).isEqualTo(HealingResult.HEALED);
            assertThat(fx.stored(managed).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(fx.answer(fx.startExpectingChallenge("bob@example.com", laptop), platform, 600))
                    .isInstanceOf(LoginStep.Completed.class);
        }
    }

    @Nested
    @DisplayName("(e) one cancel")
    class OneCancel {

        @Test
        @DisplayName("gets a calm retry with a fresh challenge, and success needs no fallback")
        void cancelThenSuccess() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);

            LoginStep.PasskeyChallenge first = fx.startExpectingChallenge("alice@example.com", laptop);
            LoginStep retry =
                    fx.flow.reportClientError(first.flowId(), "NotAllowedError", "The operation was cancelled", 4_000);
            assertThat(retry)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.calmRetry()).isTrue());
            LoginStep done = fx.answer((LoginStep.PasskeyChallenge) retry, authenticator, 1_500);

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.method()).isEqualTo(AuthenticationMethod.PASSKEY));
            assertThat(fx.events(LoginFlowEvent.FallbackRequired.class)).isEmpty();
            assertThat(fx.attemptsOf(alice))
                    .extracting(LoginAttempt::outcome)
                    .containsSubsequence(AttemptOutcome.SUCCEEDED, AttemptOutcome.CANCELLED);
        }
    }

    @Nested
    @DisplayName("(f, g) healing that does not happen")
    class HealingEnds {

        private LoginStep.HealingOffer brokenPasskeyOffer(UserAccount user, SoftwareAuthenticator authenticator) {
            authenticator.loseAll();
            LoginStep step = fx.startExpectingChallenge(user.identifier(), laptop);
            step = fx.answer((LoginStep.PasskeyChallenge) step, authenticator, 20);
            step = fx.answer((LoginStep.PasskeyChallenge) step, authenticator, 20);
            return (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(step.flowId());
        }

        @Test
        @DisplayName("(f) a declined offer completes the login and is recorded for cooldowns")
        void declined() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            Bytes old = fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.HealingOffer offer = brokenPasskeyOffer(alice, authenticator);

            LoginStep done = fx.flow.declineHealing(offer.flowId());

            assertThat(done).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.healing()).isEqualTo(HealingResult.DECLINED);
                assertThat(c.userHandle()).isEqualTo(alice.userHandle());
                assertThat(c.newCredentialId()).isNull();
            });
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.REGISTRATION_DECLINED);
            assertThat(fx.stored(old).status()).isEqualTo(CredentialStatus.ACTIVE);
        }

        @Test
        @DisplayName("(g) a cancelled creation still ends authenticated")
        void cancelledCreation() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.HealingOffer offer = brokenPasskeyOffer(alice, authenticator);

            LoginStep done = fx.flow.reportHealingError(offer.flowId(), "NotAllowedError", "cancelled", 3_000);

            assertThat(done).isInstanceOfSatisfying(LoginStep.Completed.class, c -> {
                assertThat(c.healing()).isEqualTo(HealingResult.CANCELLED);
                assertThat(c.method()).isEqualTo(AuthenticationMethod.FALLBACK);
            });
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.REGISTRATION_CANCELLED);
        }

        @Test
        @DisplayName("(g) a registration the server rejects still ends authenticated, storing nothing")
        void failedRegistration() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.HealingOffer offer = brokenPasskeyOffer(alice, authenticator);
            authenticator.injectOnNextCall(Fault.WRONG_ORIGIN);

            LoginStep done =
                    fx.flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.FAILED));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).hasSize(1);
        }

        @Test
        @DisplayName("(g) InvalidStateError means the passkey already exists: success without a new credential")
        void alreadyExists() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.HealingOffer offer = brokenPasskeyOffer(alice, authenticator);

            LoginStep done = fx.flow.reportHealingError(offer.flowId(), "InvalidStateError", "excluded", 500);

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.ALREADY_EXISTED));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).hasSize(1);
        }
    }

    @Nested
    @DisplayName("(h) an account without passkeys")
    class NoPasskeys {

        @Test
        @DisplayName("goes to the password, then is offered a first passkey that works next time")
        void firstPasskey() {
            UserAccount carol = fx.user("carol@example.com");
            LoginStep step = fx.flow.start("carol@example.com", laptop);
            assertThat(step)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.reason()).isEqualTo(FallbackReason.PASSKEY_NOT_AVAILABLE));

            LoginStep offer = fx.flow.fallbackSucceeded(step.flowId());
            assertThat(offer)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.FIRST_PASSKEY));
            SoftwareAuthenticator authenticator = authenticator();
            LoginStep.Completed done = (LoginStep.Completed) fx.flow.finishHealing(
                    offer.flowId(), authenticator.register(((LoginStep.HealingOffer) offer).credentialsCreateJson()));

            assertThat(done.healing()).isEqualTo(HealingResult.HEALED);
            assertThat(fx.stored(done.newCredentialId()).userHandle()).isEqualTo(carol.userHandle());
            assertThat(fx.answer(fx.startExpectingChallenge("carol@example.com", laptop), authenticator, 700))
                    .isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName("is not offered a passkey on a device that cannot create one")
        void noOfferWithoutPlatformAuthenticator() {
            fx.user("carol@example.com");
            ClientContext kiosk = ClientContext.builder()
                    .deviceId("kiosk")
                    .userVerifyingPlatformAuthenticator(false)
                    .build();
            LoginStep step = fx.flow.start("carol@example.com", kiosk);

            LoginStep done = fx.flow.fallbackSucceeded(step.flowId());

            assertThat(done)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            c -> assertThat(c.healing()).isEqualTo(HealingResult.NOT_OFFERED));
        }
    }

    @Nested
    @DisplayName("(i) an unknown identifier")
    class UnknownIdentifier {

        @Test
        @DisplayName("looks exactly like an account without passkeys")
        void indistinguishable() {
            fx.user("carol@example.com");
            LoginStep known = fx.flow.start("carol@example.com", laptop);
            LoginStep unknown = fx.flow.start("nobody@example.com", laptop);

            assertThat(unknown.getClass()).isEqualTo(known.getClass());
            LoginStep.FallbackRequired a = (LoginStep.FallbackRequired) known;
            LoginStep.FallbackRequired b = (LoginStep.FallbackRequired) unknown;
            assertThat(b.reason()).isEqualTo(a.reason());
            assertThat(b.remainingAttempts()).isEqualTo(a.remainingAttempts());
            assertThat(b.signals()).isEqualTo(a.signals());
            assertThat(b.flowId()).hasSameSizeAs(a.flowId());
        }

        @Test
        @DisplayName("can fail the password like anyone else and then locks")
        void wrongPasswordsLock() {
            FlowFixture strict = new FlowFixture(b -> b.maxFallbackFailures(2));
            LoginStep step = strict.flow.start("nobody@example.com", laptop);
            LoginStep again = strict.flow.fallbackFailed(step.flowId());
            assertThat(again).isInstanceOfSatisfying(LoginStep.FallbackRequired.class, f -> {
                assertThat(f.reason()).isEqualTo(FallbackReason.FALLBACK_FAILED);
                assertThat(f.remainingAttempts()).isEqualTo(1);
            });
            LoginFlowException locked =
                    catchThrowableOfType(LoginFlowException.class, () -> strict.flow.fallbackFailed(step.flowId()));
            assertThat(locked.reason()).isEqualTo(LoginFlowException.Reason.LOCKED);
            assertThat(catchThrowableOfType(
                                    LoginFlowException.class, () -> strict.flow.fallbackSucceeded(step.flowId()))
                            .reason())
                    .isEqualTo(LoginFlowException.Reason.LOCKED);
        }
    }

    @Nested
    @DisplayName("(j) expiry")
    class Expiry {

        @Test
        @DisplayName("a flow older than its time to live is gone, with the same error as an unknown one")
        void expiredFlowIsUnknown() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());

            fx.clock.advance(Duration.ofMinutes(5));

            LoginFlowException expired = catchThrowableOfType(
                    LoginFlowException.class, () -> fx.flow.finishPasskey(challenge.flowId(), response));
            LoginFlowException unknown = catchThrowableOfType(
                    LoginFlowException.class,
                    () -> fx.flow.finishPasskey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", response));
            assertThat(expired.reason()).isEqualTo(LoginFlowException.Reason.UNKNOWN_FLOW);
            assertThat(unknown.reason()).isEqualTo(expired.reason());
            assertThat(unknown.getMessage()).isEqualTo(expired.getMessage());
        }

        @Test
        @DisplayName("a challenge answered after the ceremony timeout is rejected even inside the flow's lifetime")
        void lateAnswerRejected() {
            FlowFixture slow = new FlowFixture(
                    b -> b.ceremonyTimeout(Duration.ofSeconds(60)).flowTimeToLive(Duration.ofMinutes(10)));
            UserAccount alice = slow.user("alice@example.com");
            SoftwareAuthenticator authenticator = authenticator();
            slow.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = slow.startExpectingChallenge("alice@example.com", laptop);
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            slow.clock.advance(Duration.ofMinutes(3));

            LoginStep step = slow.flow.finishPasskey(challenge.flowId(), response);

            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(slow.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.CHALLENGE_MISMATCH);
        }
    }
}
