package dev.passkeyflow.core.scenarios;

import static dev.passkeyflow.core.scenarios.FlowFixture.ORIGIN;
import static dev.passkeyflow.core.scenarios.FlowFixture.device;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.AttestationFormat;
import dev.passkeyflow.testkit.authenticator.Fault;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Negative cases, through {@code LoginFlow}, for the steps of WebAuthn Level 3 §7.1 and §7.2 that
 * Yubico performs (docs/webauthn-verification.md names each test here next to its step).
 */
@DisplayName("WebAuthn verification steps refuse what they should")
class VerificationStepsTest {

    private final ClientContext laptop = device("laptop-1");

    @Nested
    @DisplayName("registration (§7.1)")
    class Registration {

        /** Finishes an enrolment with the authenticator's response, edited; returns the healing result. */
        private HealingResult register(
                FlowFixture fx, SoftwareAuthenticator authenticator, UnaryOperator<String> edit) {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.enrol(alice.identifier(), laptop);
            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(), edit.apply(authenticator.register(offer.credentialsCreateJson())));
            return ((LoginStep.Completed) done).healing();
        }

        @Test
        @DisplayName("the unedited response is stored (the control for the cases below; enrolment, so ENROLLED)")
        void control() {
            assertThat(register(new FlowFixture(), FlowFixture.authenticator(), r -> r))
                    .isEqualTo(HealingResult.ENROLLED);
        }

        @Test
        @DisplayName("step 7: client data of type webauthn.get is refused")
        void wrongType() {
            assertThat(register(
                            new FlowFixture(),
                            FlowFixture.authenticator(),
                            r -> ResponseEdits.editClientData(r, c -> c.put("type", "webauthn.get"))))
                    .isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 8: another challenge is refused")
        void wrongChallenge() {
            assertThat(register(
                            new FlowFixture(),
                            FlowFixture.authenticator(),
                            r -> ResponseEdits.editClientData(r, c -> c.put("challenge", "AAAAAAAAAAAAAAAAAAAAAA"))))
                    .isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 9: another origin is refused")
        void wrongOrigin() {
            SoftwareAuthenticator phished = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .faults(Fault.WRONG_ORIGIN)
                    .build();
            assertThat(register(new FlowFixture(), phished, r -> r)).isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 14: the RP ID hash of another RP ID is refused")
        void wrongRpIdHash() {
            assertThat(register(
                            new FlowFixture(),
                            FlowFixture.authenticator(),
                            r -> ResponseEdits.editAuthData(r, ResponseEdits.rpIdHashOf("evil.example"))))
                    .isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 15: a registration without user presence is refused")
        void noUserPresence() {
            assertThat(register(
                            new FlowFixture(),
                            FlowFixture.authenticator(),
                            r -> ResponseEdits.editAuthData(r, ResponseEdits.flags(0, 0x01))))
                    .isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 16: a registration without user verification is refused when required")
        void noUserVerification() {
            FlowFixture strict = new FlowFixture(b -> b.userVerification(LoginFlow.UserVerification.REQUIRED));
            SoftwareAuthenticator lax = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .faults(Fault.NO_USER_VERIFICATION)
                    .build();
            assertThat(register(strict, lax, r -> r)).isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 22: a packed attestation with a bad signature is refused")
        void badAttestationSignature() {
            SoftwareAuthenticator packed = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .attestation(AttestationFormat.PACKED)
                    .faults(Fault.CORRUPT_SIGNATURE)
                    .build();
            assertThat(register(new FlowFixture(), packed, r -> r)).isEqualTo(HealingResult.FAILED);
        }

        @Test
        @DisplayName("step 26: a credential id already registered to another account is refused")
        void credentialIdTaken() {
            FlowFixture fx = new FlowFixture();
            UserAccount bob = fx.user("bob@example.com");
            SoftwareAuthenticator bobs = FlowFixture.authenticator();
            Bytes taken = fx.enrolPasskey(bob, bobs, device("bob-laptop"));
            SoftwareAuthenticator copycat = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .credentialIdGenerator(taken::toByteArray)
                    .build();

            assertThat(register(fx, copycat, r -> r)).isEqualTo(HealingResult.FAILED);
            assertThat(fx.stored(taken).userHandle()).isEqualTo(bob.userHandle());
        }
    }

    @Nested
    @DisplayName("authentication (§7.2)")
    class Authentication {

        /** Answers a login challenge with the authenticator's response, edited; returns the recorded outcome. */
        private AttemptOutcome login(UnaryOperator<String> edit) {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = FlowFixture.authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            LoginStep step = fx.flow.finishPasskey(
                    challenge.flowId(), edit.apply(authenticator.authenticate(challenge.credentialsGetJson())));
            return step instanceof LoginStep.Completed
                    ? AttemptOutcome.SUCCEEDED
                    : fx.attemptsOf(alice).get(0).outcome();
        }

        @Test
        @DisplayName("the unedited response logs in (the control for the cases below)")
        void control() {
            assertThat(login(r -> r)).isEqualTo(AttemptOutcome.SUCCEEDED);
        }

        @Test
        @DisplayName("step 10: client data of type webauthn.create is refused")
        void wrongType() {
            assertThat(login(r -> ResponseEdits.editClientData(r, c -> c.put("type", "webauthn.create"))))
                    .isEqualTo(AttemptOutcome.VERIFICATION_FAILED);
        }

        @Test
        @DisplayName("step 15: the RP ID hash of another RP ID is refused")
        void wrongRpIdHash() {
            assertThat(login(r -> ResponseEdits.editAssertionAuthData(r, ResponseEdits.rpIdHashOf("evil.example"))))
                    .isEqualTo(AttemptOutcome.ORIGIN_MISMATCH);
        }

        @Test
        @DisplayName("step 16: an assertion without user presence is refused")
        void noUserPresence() {
            assertThat(login(r -> ResponseEdits.editAssertionAuthData(r, ResponseEdits.flags(0, 0x01))))
                    .isEqualTo(AttemptOutcome.VERIFICATION_FAILED);
        }

        @Test
        @DisplayName("step 21: client data changed after signing breaks the signature")
        void signedClientData() {
            assertThat(login(r -> ResponseEdits.editClientData(r, c -> c.put("extra", "tampered"))))
                    .isEqualTo(AttemptOutcome.BAD_SIGNATURE);
        }
    }
}
