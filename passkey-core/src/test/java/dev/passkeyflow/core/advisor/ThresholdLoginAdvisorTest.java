package dev.passkeyflow.core.advisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.testsupport.TestData;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ThresholdLoginAdvisor, the default advisor")
class ThresholdLoginAdvisorTest {

    private static final String THIS_DEVICE = "device-this";
    private static final String OTHER_DEVICE = "device-other";

    private final ThresholdLoginAdvisor advisor = ThresholdLoginAdvisor.ofDefaults();
    private final UserAccount user = TestData.user("alice@example.com", 1);

    private final ClientContext capableClient = ClientContext.builder()
            .deviceId(THIS_DEVICE)
            .userVerifyingPlatformAuthenticator(true)
            .hints(new ClientHints("\"macOS\"", null, false))
            .build();

    private StoredCredential credential(int seed, CredentialStatus status) {
        return TestData.credential(user.userHandle(), seed, status, ClientInfo.unknown(), null);
    }

    private static PasskeyFailure cancel(long elapsedMillis) {
        return new PasskeyFailure(AttemptOutcome.CANCELLED, "NotAllowedError", elapsedMillis, null);
    }

    private FailureContext failureContext(PasskeyFailure failure, int consecutive) {
        List<PasskeyFailure> all = new ArrayList<>();
        for (int i = 1; i < consecutive; i++) {
            all.add(cancel(5_000));
        }
        all.add(failure);
        return new FailureContext(
                user,
                List.of(credential(1, CredentialStatus.ACTIVE)),
                capableClient,
                failure,
                all,
                consecutive,
                TestData.T0);
    }

    @Nested
    @DisplayName("at the start")
    class Start {

        private StartDecision start(
                @Nullable UserAccount account, List<StoredCredential> credentials, ClientContext client) {
            return advisor.onStart(new StartContext(account, credentials, client, TestData.T0));
        }

        @Test
        @DisplayName("falls back for an unknown identifier")
        void unknownIdentifier() {
            assertThat(start(null, List.of(), capableClient))
                    .isEqualTo(StartDecision.of(StartDecision.Action.FALLBACK, DecisionTag.USER_HAS_NO_PASSKEYS));
        }

        @Test
        @DisplayName("falls back, with the same decision, for an account without passkeys")
        void noPasskeys() {
            assertThat(start(user, List.of(), capableClient)).isEqualTo(start(null, List.of(), capableClient));
        }

        @Test
        @DisplayName("falls back when every passkey is retired")
        void onlyRetired() {
            assertThat(start(user, List.of(credential(1, CredentialStatus.RETIRED)), capableClient)
                            .action())
                    .isEqualTo(StartDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("attempts automatically with a passkey that is only suspected broken (it may work here)")
        void suspectedBrokenStillTried() {
            assertThat(start(user, List.of(credential(1, CredentialStatus.SUSPECTED_BROKEN)), capableClient))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.USER_HAS_PASSKEYS));
        }

        @Test
        @DisplayName("attempts automatically when the account has a passkey and the client reported nothing")
        void attemptsAutomatically() {
            assertThat(start(user, List.of(credential(1, CredentialStatus.ACTIVE)), ClientContext.unknown())
                            .action())
                    .isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        }

        @Test
        @DisplayName("falls back when the client reports neither a platform authenticator nor hybrid transport")
        void noAuthenticatorAtAll() {
            ClientContext bare = ClientContext.builder()
                    .userVerifyingPlatformAuthenticator(false)
                    .capabilities(Map.of(ClientContext.CAPABILITY_HYBRID_TRANSPORT, false))
                    .build();

            assertThat(start(user, List.of(credential(1, CredentialStatus.ACTIVE)), bare))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.FALLBACK, DecisionTag.NO_PASSKEY_SUPPORT_IN_ENVIRONMENT));
        }

        @Test
        @DisplayName("attempts when only hybrid transport is available (a phone can sign in)")
        void hybridOnly() {
            ClientContext hybrid = ClientContext.builder()
                    .userVerifyingPlatformAuthenticator(false)
                    .capabilities(Map.of(ClientContext.CAPABILITY_HYBRID_TRANSPORT, true))
                    .build();

            assertThat(start(user, List.of(credential(1, CredentialStatus.ACTIVE)), hybrid)
                            .action())
                    .isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        }
    }

    @Nested
    @DisplayName("after a failed attempt")
    class Failure {

        @Test
        @DisplayName("retries calmly after the first cancel")
        void firstCancelRetries() {
            FailureDecision decision = advisor.onPasskeyFailure(failureContext(cancel(5_000), 1));

            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.USER_CANCELLED);
        }

        @Test
        @DisplayName("falls back after the second consecutive failure")
        void secondConsecutiveFallsBack() {
            assertThat(advisor.onPasskeyFailure(failureContext(cancel(5_000), 2))
                            .action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(
                value = AttemptOutcome.class,
                names = {"TIMED_OUT", "CLIENT_ERROR", "CANCELLED"})
        @DisplayName("retries the first browser-side failure other than SecurityError")
        void firstBrowserFailureRetries(AttemptOutcome outcome) {
            PasskeyFailure failure = new PasskeyFailure(outcome, "SomeError", 3_000, null);

            assertThat(advisor.onPasskeyFailure(failureContext(failure, 1)).action())
                    .isEqualTo(FailureDecision.Action.RETRY);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(
                value = AttemptOutcome.class,
                names = {
                    "UNKNOWN_CREDENTIAL",
                    "WRONG_USER",
                    "CREDENTIAL_RETIRED",
                    "BAD_SIGNATURE",
                    "COUNTER_REGRESSION",
                    "ORIGIN_MISMATCH",
                    "USER_VERIFICATION_MISSING",
                    "CHALLENGE_MISMATCH",
                    "VERIFICATION_FAILED"
                })
        @DisplayName("falls back at once after a server-side verification failure")
        void serverSideFallsBackAtOnce(AttemptOutcome outcome) {
            assertThat(outcome.isServerSide()).isTrue();
            PasskeyFailure failure = new PasskeyFailure(outcome, null, -1, TestData.bytes(32, 9));

            assertThat(advisor.onPasskeyFailure(failureContext(failure, 1)).action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("falls back at once after a SecurityError, diagnosed as an RP misconfiguration")
        void securityErrorFallsBack() {
            PasskeyFailure failure = new PasskeyFailure(AttemptOutcome.SECURITY_ERROR, "SecurityError", 20, null);

            FailureDecision decision = advisor.onPasskeyFailure(failureContext(failure, 1));

            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.RP_MISCONFIGURATION);
        }

        @Test
        @DisplayName("with a threshold of 3 retries twice and falls back on the third consecutive failure")
        void customThreshold() {
            ThresholdLoginAdvisor patient = ThresholdLoginAdvisor.withFailuresBeforeFallback(3);

            assertThat(patient.onPasskeyFailure(failureContext(cancel(5_000), 1))
                            .action())
                    .isEqualTo(FailureDecision.Action.RETRY);
            assertThat(patient.onPasskeyFailure(failureContext(cancel(5_000), 2))
                            .action())
                    .isEqualTo(FailureDecision.Action.RETRY);
            assertThat(patient.onPasskeyFailure(failureContext(cancel(5_000), 3))
                            .action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("with a threshold of 1 falls back on the first cancel")
        void thresholdOne() {
            assertThat(ThresholdLoginAdvisor.withFailuresBeforeFallback(1)
                            .onPasskeyFailure(failureContext(cancel(5_000), 1))
                            .action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @ParameterizedTest(name = "{0} is rejected")
        @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 11, 100})
        @DisplayName("rejects a threshold outside 1 to 10, naming it")
        void badThreshold(int threshold) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> ThresholdLoginAdvisor.withFailuresBeforeFallback(threshold))
                    .withMessageContaining("failuresBeforeFallback")
                    .withMessageEndingWith("was " + threshold);
        }

        @Test
        @DisplayName("accepts the thresholds 1 and 10, and defaults to 2")
        void thresholdBounds() {
            assertThatCode(() -> ThresholdLoginAdvisor.withFailuresBeforeFallback(1))
                    .doesNotThrowAnyException();
            assertThatCode(() -> ThresholdLoginAdvisor.withFailuresBeforeFallback(10))
                    .doesNotThrowAnyException();
            assertThat(ThresholdLoginAdvisor.DEFAULT_FAILURES_BEFORE_FALLBACK).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("diagnosis")
    class Diagnosis {

        @ParameterizedTest(name = "a cancel after {0} ms is {1} ({2})")
        @CsvSource({
            "0,      PASSKEY_DELETED_LOCALLY, LOW",
            "350,    PASSKEY_DELETED_LOCALLY, LOW",
            "999,    PASSKEY_DELETED_LOCALLY, LOW",
            "1000,   USER_CANCELLED,          LOW",
            "12000,  USER_CANCELLED,          LOW",
            "29999,  USER_CANCELLED,          LOW",
            "30000,  TIMED_OUT,               MEDIUM",
            "120000, TIMED_OUT,               MEDIUM",
            "-1,     USER_CANCELLED,          LOW"
        })
        @DisplayName("reads a cancel by how long the browser took: <1 s deleted, 1-30 s cancelled, >=30 s timed out")
        void cancelByElapsedTime(long elapsed, FailureCause cause, Confidence confidence) {
            FailureDiagnosis diagnosis = ThresholdLoginAdvisor.diagnose(cancel(elapsed));

            assertThat(diagnosis.cause()).isEqualTo(cause);
            assertThat(diagnosis.confidence()).isEqualTo(confidence);
            assertThat(diagnosis.evidence()).isNotEmpty();
        }

        @Test
        @DisplayName("the time thresholds are 1 s and 30 s")
        void thresholds() {
            assertThat(ThresholdLoginAdvisor.IMMEDIATE_FAILURE_MILLIS).isEqualTo(1_000);
            assertThat(ThresholdLoginAdvisor.TIMEOUT_LIKE_MILLIS).isEqualTo(30_000);
        }

        @ParameterizedTest(name = "{0} is {1} ({2})")
        @CsvSource({
            "TIMED_OUT,                 TIMED_OUT,                    HIGH",
            "SECURITY_ERROR,            RP_MISCONFIGURATION,          HIGH",
            "CLIENT_ERROR,              UNKNOWN,                      LOW",
            "UNKNOWN_CREDENTIAL,        CREDENTIAL_UNKNOWN_TO_SERVER, HIGH",
            "WRONG_USER,                VERIFICATION_FAILED,          HIGH",
            "CREDENTIAL_RETIRED,        VERIFICATION_FAILED,          HIGH",
            "BAD_SIGNATURE,             VERIFICATION_FAILED,          HIGH",
            "COUNTER_REGRESSION,        VERIFICATION_FAILED,          HIGH",
            "ORIGIN_MISMATCH,           VERIFICATION_FAILED,          HIGH",
            "USER_VERIFICATION_MISSING, VERIFICATION_FAILED,          HIGH",
            "CHALLENGE_MISMATCH,        VERIFICATION_FAILED,          HIGH",
            "VERIFICATION_FAILED,       VERIFICATION_FAILED,          HIGH"
        })
        @DisplayName("maps every other outcome to its cause, whatever the elapsed time")
        void byOutcome(AttemptOutcome outcome, FailureCause cause, Confidence confidence) {
            for (long elapsed : new long[] {-1, 10, 5_000, 60_000}) {
                FailureDiagnosis diagnosis =
                        ThresholdLoginAdvisor.diagnose(new PasskeyFailure(outcome, "VendorError", elapsed, null));
                assertThat(diagnosis.cause()).as("after %d ms", elapsed).isEqualTo(cause);
                assertThat(diagnosis.confidence()).isEqualTo(confidence);
            }
        }

        @Test
        @DisplayName("keeps an unknown browser error name in the evidence")
        void unknownNameInEvidence() {
            FailureDiagnosis diagnosis = ThresholdLoginAdvisor.diagnose(
                    new PasskeyFailure(AttemptOutcome.CLIENT_ERROR, "WeirdVendorError", 100, null));

            assertThat(diagnosis.evidence()).anySatisfy(e -> assertThat(e).contains("WeirdVendorError"));
        }

        @Test
        @DisplayName("is what the failure decision carries")
        void decisionCarriesDiagnosis() {
            PasskeyFailure quick = cancel(200);

            assertThat(advisor.onPasskeyFailure(failureContext(quick, 1)).diagnosis())
                    .isEqualTo(ThresholdLoginAdvisor.diagnose(quick));
        }
    }

    @Nested
    @DisplayName("after the fallback")
    class Healing {

        private final FailureDiagnosis lastDiagnosis =
                FailureDiagnosis.of(FailureCause.PASSKEY_DELETED_LOCALLY, Confidence.LOW, "fast failure");

        private HealingContext context(
                List<StoredCredential> credentials, ClientContext client, List<PasskeyFailure> failures) {
            return new HealingContext(
                    user,
                    credentials,
                    client,
                    AuthenticationMethod.FALLBACK,
                    failures,
                    failures.isEmpty() ? FailureDiagnosis.unknown() : lastDiagnosis,
                    TestData.T0);
        }

        @Test
        @DisplayName("offers nothing when the client cannot create a passkey locally, even after failures")
        void noOfferWithoutLocalCreate() {
            ClientContext cannot = ClientContext.builder()
                    .deviceId(THIS_DEVICE)
                    .userVerifyingPlatformAuthenticator(false)
                    .build();

            HealingDecision afterFailure = advisor.onAuthenticatedWithoutPasskey(
                    context(List.of(credential(1, CredentialStatus.ACTIVE)), cannot, List.of(cancel(100))));
            HealingDecision noPasskeys = advisor.onAuthenticatedWithoutPasskey(context(List.of(), cannot, List.of()));
            HealingDecision nothingReported =
                    advisor.onAuthenticatedWithoutPasskey(context(List.of(), ClientContext.unknown(), List.of()));

            assertThat(List.of(afterFailure, noPasskeys, nothingReported)).allSatisfy(d -> {
                assertThat(d).isInstanceOf(HealingDecision.NoOffer.class);
                assertThat(d.tags()).containsExactly(DecisionTag.DEVICE_CANNOT_CREATE_PASSKEY);
                assertThat(d.tagTexts()).containsExactly("device-cannot-create-passkey");
            });
        }

        @Test
        @DisplayName("after failures offers AFTER_ERROR and flags the passkeys created or last used on this device")
        void afterErrorFlagsThisDevice() {
            StoredCredential createdHere = TestData.credential(
                    user.userHandle(),
                    1,
                    CredentialStatus.ACTIVE,
                    new ClientInfo(THIS_DEVICE, "macOS", "Safari"),
                    null);
            StoredCredential usedHere = TestData.credential(
                    user.userHandle(),
                    2,
                    CredentialStatus.ACTIVE,
                    new ClientInfo(OTHER_DEVICE, "iOS", "Safari"),
                    new ClientInfo(THIS_DEVICE, "macOS", "Safari"));
            StoredCredential elsewhere = TestData.credential(
                    user.userHandle(),
                    3,
                    CredentialStatus.ACTIVE,
                    new ClientInfo(OTHER_DEVICE, "iOS", "Safari"),
                    new ClientInfo(OTHER_DEVICE, "iOS", "Safari"));
            StoredCredential neverUsed = TestData.credential(
                    user.userHandle(), 4, CredentialStatus.ACTIVE, new ClientInfo(null, "Windows", "Edge"), null);
            StoredCredential retiredHere = TestData.credential(
                    user.userHandle(),
                    5,
                    CredentialStatus.RETIRED,
                    new ClientInfo(THIS_DEVICE, "macOS", "Safari"),
                    null);

            HealingDecision decision = advisor.onAuthenticatedWithoutPasskey(context(
                    List.of(createdHere, usedHere, elsewhere, neverUsed, retiredHere),
                    capableClient,
                    List.of(cancel(100), cancel(150))));

            assertThat(offer(decision).kind()).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(offer(decision).replacedCredentials())
                    .containsExactlyInAnyOrder(createdHere.credentialId(), usedHere.credentialId());
            assertThat(offer(decision).replacedCredentialStatus()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(decision.diagnosis()).isEqualTo(lastDiagnosis);
            assertThat(decision.platform()).isEqualTo(ClientPlatform.MACOS);
        }

        @Test
        @DisplayName("after failures on a client without a device id flags nothing but still offers")
        void afterErrorWithoutDeviceId() {
            ClientContext anonymous = ClientContext.builder()
                    .userVerifyingPlatformAuthenticator(true)
                    .build();
            StoredCredential withoutDevice = TestData.credential(
                    user.userHandle(),
                    1,
                    CredentialStatus.ACTIVE,
                    new ClientInfo(null, null, null),
                    new ClientInfo(null, null, null));

            HealingDecision decision = advisor.onAuthenticatedWithoutPasskey(
                    context(List.of(withoutDevice), anonymous, List.of(cancel(100))));

            assertThat(offer(decision).kind()).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(offer(decision).replacedCredentials()).isEmpty();
        }

        @Test
        @DisplayName("offers a FIRST_PASSKEY when the account has no usable passkey")
        void firstPasskey() {
            for (List<StoredCredential> credentials :
                    List.of(List.<StoredCredential>of(), List.of(credential(1, CredentialStatus.RETIRED)))) {
                HealingDecision decision =
                        advisor.onAuthenticatedWithoutPasskey(context(credentials, capableClient, List.of()));

                assertThat(offer(decision).kind()).isEqualTo(HealingKind.FIRST_PASSKEY);
                assertThat(offer(decision).replacedCredentials()).isEmpty();
                assertThat(decision.diagnosis()).isEqualTo(FailureDiagnosis.unknown());
            }
        }

        @Test
        @DisplayName("offers nothing when the account has passkeys and none failed in this flow")
        void noOfferWhenNotTried() {
            HealingDecision decision = advisor.onAuthenticatedWithoutPasskey(
                    context(List.of(credential(1, CredentialStatus.ACTIVE)), capableClient, List.of()));

            assertThat(decision).isInstanceOf(HealingDecision.NoOffer.class);
            assertThat(decision.tags()).containsExactly(DecisionTag.PASSKEYS_NOT_TRIED);
        }
    }

    @Test
    @DisplayName("a PasskeyFailure must be an authentication failure")
    void passkeyFailureValidated() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasskeyFailure(AttemptOutcome.SUCCEEDED, null, -1, (Bytes) null))
                .withMessageContaining("SUCCEEDED");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasskeyFailure(AttemptOutcome.FALLBACK_FAILED, null, -1, null));
    }

    private static HealingDecision.Offer offer(HealingDecision decision) {
        assertThat(decision).isInstanceOf(HealingDecision.Offer.class);
        return (HealingDecision.Offer) decision;
    }
}
