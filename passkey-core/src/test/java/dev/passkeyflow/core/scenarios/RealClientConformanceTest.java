package dev.passkeyflow.core.scenarios;

import static dev.passkeyflow.core.scenarios.FlowFixture.ORIGIN;
import static dev.passkeyflow.core.scenarios.FlowFixture.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.ClientProfile;
import dev.passkeyflow.testkit.authenticator.ClientQuirks;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The five failing inputs of issue 12 and the other verification steps passkeyflow makes itself
 * around Yubico 2.9.0 (docs/webauthn-verification.md names each test here).
 */
@DisplayName("WebAuthn verification with real-client responses")
class RealClientConformanceTest {

    private final ClientContext laptop = device("laptop-1");

    private static SoftwareAuthenticator withQuirks(ClientQuirks quirks) {
        return SoftwareAuthenticator.builder().origin(ORIGIN).quirks(quirks).build();
    }

    /** Starts an enrolment for a user without passkeys: a registration offer. */
    private static LoginStep.HealingOffer offer(FlowFixture fx, UserAccount user, ClientContext client) {
        return (LoginStep.HealingOffer) fx.flow.enrol(user.identifier(), client);
    }

    @Nested
    @DisplayName("credential ids")
    class CredentialIds {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("a registration whose JSON id is not the attested credential id is refused and stores nothing")
        void registrationIdMustBeTheAttestedOne() {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            String forged = ResponseEdits.withIds(
                    FlowFixture.authenticator().register(offer.credentialsCreateJson()),
                    Bytes.of(random).toBase64Url());

            LoginStep step = fx.flow.finishHealing(offer.flowId(), forged);

            assertThat(step).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
                assertThat(done.healing()).isEqualTo(HealingResult.FAILED);
                assertThat(done.newCredentialId()).isNull();
                assertThat(done.signals()).isEmpty();
            });
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("a registration with empty ids is invalid input and the offer can still be finished")
        void registrationWithEmptyIds() {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            String genuine = FlowFixture.authenticator().register(offer.credentialsCreateJson());
            FlowRecord before = fx.flows.load(offer.flowId()).orElseThrow();

            LoginFlowException error = catchThrowableOfType(
                    LoginFlowException.class,
                    () -> fx.flow.finishHealing(offer.flowId(), ResponseEdits.withIds(genuine, "")));

            assertThat(error.reason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(fx.flows.load(offer.flowId())).contains(before);
            LoginStep done = fx.flow.finishHealing(offer.flowId(), genuine);
            assertThat(((LoginStep.Completed) done).newCredentialId()).isEqualTo(ResponseEdits.idOf(genuine));
        }

        @Test
        @DisplayName(
                "a registration without attested credential data (AT flag clear) is invalid input, not a raw exception")
        void registrationWithoutAttestedCredential() {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            String genuine = FlowFixture.authenticator().register(offer.credentialsCreateJson());

            assertThatThrownBy(() -> fx.flow.finishHealing(
                            offer.flowId(),
                            ResponseEdits.editAuthData(genuine, ResponseEdits.withoutAttestedCredential())))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT));
            assertThat(fx.flow.finishHealing(offer.flowId(), genuine)).isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName("a registration with a credential id over 1023 bytes is refused (§7.1 step 25)")
        void registrationWithOverlongCredentialId() {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            byte[] longId = new byte[1024];
            new SecureRandom().nextBytes(longId);
            String edited = ResponseEdits.withIds(
                    ResponseEdits.editAuthData(
                            FlowFixture.authenticator().register(offer.credentialsCreateJson()),
                            ResponseEdits.credentialId(longId)),
                    Bytes.of(longId).toBase64Url());

            LoginStep step = fx.flow.finishHealing(offer.flowId(), edited);

            assertThat(((LoginStep.Completed) step).healing()).isEqualTo(HealingResult.FAILED);
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("an assertion with empty ids is invalid input, sends no signal, and the challenge stays usable")
        void assertionWithEmptyIds() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = FlowFixture.authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String genuine = authenticator.authenticate(challenge.credentialsGetJson());
            int attemptsBefore = fx.attemptsOf(alice).size();

            LoginFlowException error = catchThrowableOfType(
                    LoginFlowException.class,
                    () -> fx.flow.finishPasskey(challenge.flowId(), ResponseEdits.withIds(genuine, "")));

            assertThat(error.reason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(fx.attemptsOf(alice)).hasSize(attemptsBefore);
            assertThat(fx.flow.finishPasskey(challenge.flowId(), genuine))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            done -> assertThat(done.signals())
                                    .noneMatch(s -> s instanceof ClientSignal.UnknownCredential));
        }
    }

    @Nested
    @DisplayName("user handles")
    class UserHandles {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("an empty user handle (Safari) names no account: the owner logs in")
        void emptyUserHandleLogsInTheOwner() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator safari =
                    withQuirks(ClientQuirks.NONE.withUserHandle(ClientQuirks.UserHandleShape.EMPTY_STRING));
            fx.enrolPasskey(alice, safari, laptop);

            LoginStep step = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), safari, 500);

            assertThat(step).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
                assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(done.userHandle()).isEqualTo(alice.userHandle());
            });
        }

        @Test
        @DisplayName("a null or missing user handle (Firefox, security keys) logs in the owner")
        void nullUserHandleLogsInTheOwner() {
            for (ClientQuirks.UserHandleShape shape :
                    List.of(ClientQuirks.UserHandleShape.JSON_NULL, ClientQuirks.UserHandleShape.OMITTED)) {
                FlowFixture local = new FlowFixture();
                UserAccount alice = local.user("alice@example.com");
                SoftwareAuthenticator firefox = withQuirks(ClientQuirks.NONE.withUserHandle(shape));
                local.enrolPasskey(alice, firefox, laptop);

                LoginStep step = local.answer(local.startExpectingChallenge("alice@example.com", laptop), firefox, 500);

                assertThat(step)
                        .as(shape.name())
                        .isInstanceOfSatisfying(
                                LoginStep.Completed.class,
                                done -> assertThat(done.userHandle()).isEqualTo(alice.userHandle()));
            }
        }
    }

    @Nested
    @DisplayName("signature counters")
    class SignatureCounters {

        private final FlowFixture fx = new FlowFixture();

        private void storeCounter(Bytes id, long value) {
            fx.credentials.recordUse(id, value, true, fx.clock.instant(), new ClientInfo("other-device", null, null));
        }

        @Test
        @DisplayName("a synced passkey answering 0 after 50 logs in and is reported as a counter anomaly")
        void syncedZeroAfterFifty() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator phone = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .syncedPasskey()
                    .build();
            Bytes id = fx.enrolPasskey(alice, phone, laptop);
            storeCounter(id, 50);

            LoginStep step = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), phone, 500);

            assertThat(step).isInstanceOf(LoginStep.Completed.class);
            assertThat(fx.events(LoginFlowEvent.SignatureCounterAnomaly.class))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.credentialId()).isEqualTo(id);
                        assertThat(e.storedCount()).isEqualTo(50);
                        assertThat(e.presentedCount()).isZero();
                    });
            assertThat(fx.stored(id).lastUsedAt()).isNotNull();
        }

        @Test
        @DisplayName("a synced passkey whose copy counts lower than the server saw logs in")
        void syncedLowerCount() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator vault = ClientProfile.BITWARDEN_LEGACY_COUNTER.authenticator(ORIGIN);
            Bytes id = fx.enrolPasskey(alice, vault, laptop);
            storeCounter(id, 50);
            vault.setSignatureCount(id.toBase64Url(), 10);

            LoginStep step = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), vault, 500);

            assertThat(step).isInstanceOf(LoginStep.Completed.class);
            assertThat(fx.events(LoginFlowEvent.SignatureCounterAnomaly.class))
                    .singleElement()
                    .satisfies(e -> assertThat(e.presentedCount()).isEqualTo(11));
        }

        @Test
        @DisplayName(
                "a device-bound key that counts backwards is refused, and healing can replace it (no exclusion loop)")
        void deviceBoundRegressionCanBeHealed() throws Exception {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator key = FlowFixture.authenticator();
            Bytes id = fx.enrolPasskey(alice, key, laptop);
            storeCounter(id, 50);

            LoginStep failed = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), key, 500);
            assertThat(failed).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.COUNTER_REGRESSION);

            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) fx.flow.fallbackSucceeded(failed.flowId());
            JsonNode excluded = ResponseEdits.JSON
                    .readTree(offer.credentialsCreateJson())
                    .path("publicKey")
                    .path("excludeCredentials");
            List<String> excludedIds = new ArrayList<>();
            excluded.forEach(d -> excludedIds.add(d.path("id").asText()));
            assertThat(excludedIds).doesNotContain(id.toBase64Url());

            LoginStep healed = fx.flow.finishHealing(offer.flowId(), key.register(offer.credentialsCreateJson()));

            assertThat(((LoginStep.Completed) healed).healing()).isEqualTo(HealingResult.HEALED);
            assertThat(fx.stored(id).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), key, 500))
                    .isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName("a device-bound key that always reports 0 keeps logging in (both counters 0)")
        void deviceBoundZeroCounter() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator vault = ClientProfile.KEEPASSXC.authenticator(ORIGIN);
            fx.enrolPasskey(alice, vault, laptop);

            for (int i = 0; i < 2; i++) {
                assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), vault, 500))
                        .isInstanceOf(LoginStep.Completed.class);
            }
            assertThat(fx.events(LoginFlowEvent.SignatureCounterAnomaly.class)).isEmpty();
        }
    }

    @Nested
    @DisplayName("backup flags")
    class BackupFlags {

        private final FlowFixture fx = new FlowFixture();

        @Test
        @DisplayName("an assertion with BS set but BE clear is invalid input (§7.2 step 18, Yubico at parse time)")
        void assertionBackupStateWithoutEligibility() {
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator odd =
                    withQuirks(ClientQuirks.NONE.withAssertionBackupFlags(new ClientQuirks.BackupFlags(false, true)));
            fx.enrolPasskey(alice, odd, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);

            assertThatThrownBy(() ->
                            fx.flow.finishPasskey(challenge.flowId(), odd.authenticate(challenge.credentialsGetJson())))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT));
        }

        @Test
        @DisplayName("a registration with BS set but BE clear is invalid input (§7.1 step 17, Yubico at parse time)")
        void registrationBackupStateWithoutEligibility() {
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            String edited = ResponseEdits.editAuthData(
                    FlowFixture.authenticator().register(offer.credentialsCreateJson()),
                    ResponseEdits.flags(0x10, 0x08));

            assertThatThrownBy(() -> fx.flow.finishHealing(offer.flowId(), edited))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT));
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("BE changing after registration in either direction still logs in (lenient, §7.2 step 19)")
        void backupEligibilityChanges() {
            for (ClientProfile profile : List.of(
                    ClientProfile.SAFARI_BACKUP_ELIGIBLE_AFTER_SYNC, ClientProfile.APPLE_BACKUP_ELIGIBILITY_DROPPED)) {
                FlowFixture local = new FlowFixture();
                UserAccount alice = local.user("alice@example.com");
                SoftwareAuthenticator authenticator = profile.authenticator(ORIGIN);
                local.enrolPasskey(alice, authenticator, laptop);

                assertThat(local.answer(local.startExpectingChallenge("alice@example.com", laptop), authenticator, 500))
                        .as(profile.name())
                        .isInstanceOf(LoginStep.Completed.class);
            }
        }
    }

    @Nested
    @DisplayName("cross-origin frames")
    class CrossOriginFrames {

        private static final String FRAMING_SITE = "https://framing-site.example";

        @Test
        @DisplayName("an assertion made in a cross-origin iframe is refused when no top origin is allowed")
        void assertionInFrameRefused() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator top = FlowFixture.authenticator();
            fx.enrolPasskey(alice, top, laptop);
            SoftwareAuthenticator framed = withQuirks(ClientQuirks.NONE.withTopOrigin(FRAMING_SITE));
            top.copyAllTo(framed);

            LoginStep step = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), framed, 500);

            assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(fx.attemptsOf(alice).get(0).outcome()).isEqualTo(AttemptOutcome.ORIGIN_MISMATCH);
        }

        @Test
        @DisplayName("a registration made in a cross-origin iframe is not stored when no top origin is allowed")
        void registrationInFrameRefused() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            LoginStep.HealingOffer offer = offer(fx, alice, laptop);
            String framed =
                    withQuirks(ClientQuirks.NONE.withTopOrigin(FRAMING_SITE)).register(offer.credentialsCreateJson());

            LoginStep step = fx.flow.finishHealing(offer.flowId(), framed);

            assertThat(((LoginStep.Completed) step).healing()).isEqualTo(HealingResult.FAILED);
            assertThat(fx.credentials.listCredentials(alice.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("an allowed top origin can embed both ceremonies; any other top origin still cannot")
        void allowedTopOrigin() {
            FlowFixture fx = new FlowFixture(b -> b.allowedTopOrigin(FRAMING_SITE));
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator framed = withQuirks(ClientQuirks.NONE.withTopOrigin(FRAMING_SITE));
            fx.enrolPasskey(alice, framed, laptop);
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), framed, 500))
                    .isInstanceOf(LoginStep.Completed.class);

            SoftwareAuthenticator elsewhere = withQuirks(ClientQuirks.NONE.withTopOrigin("https://other.example"));
            framed.copyAllTo(elsewhere);
            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), elsewhere, 500))
                    .isInstanceOf(LoginStep.FallbackRequired.class);
        }

        @Test
        @DisplayName("the builder refuses a top origin that is not an https origin")
        void topOriginValidated() {
            assertThatThrownBy(() -> LoginFlow.builder().allowedTopOrigin("framing-site.example"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedTopOrigin");
        }
    }

    @Nested
    @DisplayName("native app origins")
    class NativeAppOrigins {

        @Test
        @DisplayName("an Android app origin is refused unless the builder allows it, then logs in and registers")
        void androidAppOrigin() {
            FlowFixture web = new FlowFixture();
            UserAccount bob = web.user("bob@example.com");
            SoftwareAuthenticator app = ClientProfile.ANDROID_APP_CREDENTIAL_MANAGER.authenticator(ORIGIN);
            LoginStep.HealingOffer refused = offer(web, bob, laptop);
            assertThat(((LoginStep.Completed) web.flow.finishHealing(
                                    refused.flowId(), app.register(refused.credentialsCreateJson())))
                            .healing())
                    .isEqualTo(HealingResult.FAILED);

            FlowFixture fx = new FlowFixture(b -> b.androidAppOrigin(ClientProfile.ANDROID_APP_ORIGIN));
            UserAccount alice = fx.user("alice@example.com");
            fx.enrolPasskey(alice, app, laptop);

            assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), app, 500))
                    .isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName("the builder takes Android app origins only through androidAppOrigin, and only well formed")
        void androidAppOriginValidated() {
            assertThatThrownBy(() -> LoginFlow.builder().origin(ClientProfile.ANDROID_APP_ORIGIN))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("androidAppOrigin");
            assertThatThrownBy(() -> LoginFlow.builder().androidAppOrigin("android:apk-key-hash:short"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("43");
            assertThat(LoginFlow.builder().androidAppOrigin(ClientProfile.ANDROID_APP_ORIGIN))
                    .isNotNull();
        }
    }

    @Nested
    @DisplayName("what the host is told")
    class HostMessages {

        @Test
        @DisplayName("exceptions for bad responses quote nothing of the response and carry no library cause")
        void noResponseContentInExceptions() {
            FlowFixture fx = new FlowFixture();
            UserAccount alice = fx.user("alice@example.com");
            SoftwareAuthenticator authenticator = FlowFixture.authenticator();
            fx.enrolPasskey(alice, authenticator, laptop);
            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
            String marker = "Zm9yZ2VkLXNpZ25hdHVyZQ";
            List<String> bad = List.of(
                    marker,
                    "{\"id\":\"" + marker + "\",\"response\":[]}",
                    "{\"id\":\"" + marker + "\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{"
                            + "\"clientDataJSON\":\"" + marker + "\",\"authenticatorData\":\"" + marker
                            + "\",\"signature\":\"" + marker + "\"},\"clientExtensionResults\":{}}");

            for (String response : bad) {
                LoginFlowException error = catchThrowableOfType(
                        LoginFlowException.class, () -> fx.flow.finishPasskey(challenge.flowId(), response));
                assertThat(error.reason()).isEqualTo(Reason.INVALID_INPUT);
                assertThat(error.getMessage()).doesNotContain(marker);
                assertThat(error.getCause()).isNull();
            }
        }
    }
}
