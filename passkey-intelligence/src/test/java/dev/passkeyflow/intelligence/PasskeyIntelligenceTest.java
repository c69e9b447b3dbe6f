package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("PasskeyIntelligence")
class PasskeyIntelligenceTest {

    private final Fixture f = new Fixture();

    /** The policy that shows a button where the passkey may or may not be (the default starts at once). */
    private static final AutoHealingPolicy BUTTONS = AutoHealingPolicy.custom()
            .uncertainStart(AutoHealingPolicy.UncertainStart.BUTTON)
            .build();

    private FailureDecision fastFailureAfterSuccessOnMac(StoredCredential c) {
        f.success(c, Fixture.MAC);
        f.advance(Duration.ofDays(3));
        f.failure(Fixture.MAC, 100);
        return f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(120), Fixture.cancel(100)));
    }

    @Nested
    @DisplayName("at the start of a login")
    class Start {

        @Test
        @DisplayName("falls back when the user has no usable passkey, and not when one is active")
        void noPasskeys() {
            StoredCredential c = f.icloudOnMac();
            f.credentials.setStatus(c.credentialId(), CredentialStatus.RETIRED);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(StartDecision.Action.FALLBACK, DecisionTag.USER_HAS_NO_PASSKEYS));

            f.credentials.setStatus(c.credentialId(), CredentialStatus.ACTIVE);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())).action())
                    .isNotEqualTo(StartDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("falls back when the client has neither a platform authenticator nor hybrid transport")
        void noAuthenticator() {
            f.icloudOnMac();
            ClientContext none =
                    Fixture.client("d", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101", null, false, false);
            assertThat(f.intelligence().onStart(f.start(none)).tagTexts())
                    .containsExactly("no-passkey-support-in-environment");

            ClientContext hybrid =
                    Fixture.client("d", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101", null, false, true);
            assertThat(f.intelligence().onStart(f.start(hybrid)).tagTexts())
                    .doesNotContain("no-passkey-support-in-environment");
        }

        @Test
        @DisplayName("attempts automatically on a device with positive history")
        void positiveHistory() {
            StoredCredential c = f.credential(Fixture.WINDOWS_HELLO, false, "win-1", "Windows");
            f.success(c, "win-1");
            StartDecision decision = f.intelligence().onStart(f.start(Fixture.windows("win-1", true)));
            assertThat(decision.action()).isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
            assertThat(decision.tagTexts()).containsExactly("positive-history-on-environment");
        }

        @Test
        @DisplayName(
                "a button instead of the automatic start where two flows failed and the passkey never succeeded since; the fallback at once only where immediate UI mode proved it absent; one flow of fast failures is not enough")
        void negativeHistory() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 80, 90);
            // Timing is never the only evidence: two sub-second failures may be a person dismissing a
            // working passkey's prompt twice (issue #13, case 2).
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT));

            f.failedFlow(Fixture.MAC, 80, 90);
            // Two flows of dismissed prompts are also what a person who dismissed a working passkey's
            // prompt twice leaves behind: a button, not 30 days of the password form.
            StartDecision decision = f.intelligence().onStart(f.start(Fixture.mac()));
            assertThat(decision)
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.OFFER_BUTTON, DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT));
        }

        @Test
        @DisplayName(
                "with negative history, a client with immediate UI mode asks it first; after its rejection without UI (proof of absence) the fallback, not a button")
        void negativeHistoryWithImmediateUiMode() {
            negativeHistoryOnMac();
            ClientContext chrome = macChromeWithImmediateGet();
            assertThat(f.intelligence().onStart(f.start(chrome)))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_IMMEDIATE,
                            DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT,
                            DecisionTag.IMMEDIATE_UI_MODE));

            f.append(Fixture.MAC, null, AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", 50);
            assertThat(f.intelligence().onStart(f.start(chrome)))
                    .as("within the browser's rate window the rejection without UI decides: no passkey here")
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.FALLBACK, DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT));
        }

        /** An iCloud passkey used on the Mac, then two flows there whose prompts were dismissed after 3-4 s. */
        private void negativeHistoryOnMac() {
            f.success(f.icloudOnMac(), Fixture.MAC);
            f.failedFlow(Fixture.MAC, 3_000, 4_000);
            f.failedFlow(Fixture.MAC, 3_000, 4_000);
        }

        private static ClientContext macChromeWithImmediateGet() {
            return ClientContext.builder()
                    .deviceId(Fixture.MAC)
                    .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                            + "(KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36")
                    .capabilities(Map.of(
                            ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, true,
                            ClientContext.CAPABILITY_IMMEDIATE_GET, true))
                    .userVerifyingPlatformAuthenticator(true)
                    .build();
        }

        @Test
        @DisplayName("near miss: a success after the failures restores the automatic start")
        void negativeHistoryHealed() {
            StoredCredential c = f.icloudOnMac();
            f.failedFlow(Fixture.MAC, 80, 90);
            f.success(c, Fixture.MAC);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())).action())
                    .isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        }

        @Test
        @DisplayName("near miss: negative history older than the policy's duration is no longer honoured")
        void negativeHistoryExpires() {
            negativeHistoryOnMac();
            f.advance(AutoHealingPolicy.DEFAULT_NEGATIVE_HISTORY_DURATION.plusDays(1));
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.POSITIVE_HISTORY_ON_ENVIRONMENT));
        }

        @Test
        @DisplayName("near miss: a synced passkey created after the failures may be here, so it is tried")
        void negativeHistoryNewSyncedPasskey() {
            negativeHistoryOnMac();
            f.advance(Duration.ofDays(2));
            f.credential(Fixture.ICLOUD, true, Fixture.PHONE, "iOS");
            StartDecision decision = f.intelligence().onStart(f.start(Fixture.mac()));
            assertThat(decision.action()).isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
            assertThat(decision.tags()).doesNotContain(DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT);
        }

        @Test
        @DisplayName("near miss: the policy can keep auto-starting despite negative history")
        void negativeHistoryPolicyOff() {
            negativeHistoryOnMac();
            AutoHealingPolicy policy = AutoHealingPolicy.custom()
                    .skipAutoStartOnNegativeHistory(false)
                    .build();
            assertThat(f.intelligence(policy).onStart(f.start(Fixture.mac())).action())
                    .isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        }

        @Test
        @DisplayName(
                "after one flow failed with slow cancels, starts as uncertainStart says (at once by default, else a button), and with a button after two")
        void uncertainHistory() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 4_000, 5_000);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT));
            assertThat(f.intelligence(BUTTONS).onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.OFFER_BUTTON, DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT));

            f.failedFlow(Fixture.MAC, 4_000, 5_000);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.OFFER_BUTTON, DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT));
        }

        @Test
        @DisplayName(
                "near miss: one fast failure followed by the password is no failed flow: the passkey is still started")
        void oneFastFailureIsNotNegative() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 300);
            assertThat(f.intelligence().onStart(f.start(Fixture.mac())).action())
                    .isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        }

        @Test
        @DisplayName("attempts automatically on a new device of the synced passkey's own ecosystem")
        void likelySynced() {
            f.icloudOnMac();
            StartDecision decision = f.intelligence().onStart(f.start(Fixture.iphone("new-phone")));
            assertThat(decision)
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.HIGH_CONFIDENCE_PLATFORM_PASSKEY));
        }

        @Test
        @DisplayName(
                "on a new device where the passkey lives in a password manager, starts as uncertainStart says: at once by default, else a button")
        void uncertainPasswordManager() {
            f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            assertThat(f.intelligence().onStart(f.start(Fixture.windows("win-9", true))))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.ATTEMPT_AUTOMATICALLY, DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN));
            assertThat(f.intelligence(BUTTONS).onStart(f.start(Fixture.windows("win-9", true))))
                    .isEqualTo(StartDecision.of(
                            StartDecision.Action.OFFER_BUTTON, DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN));
        }

        @Test
        @DisplayName("offers a button for hybrid on a device that cannot hold the passkey, else falls back")
        void unlikelyHere() {
            f.icloudOnMac();
            assertThat(f.intelligence()
                            .onStart(f.start(Fixture.windows("win-9", true)))
                            .action())
                    .isEqualTo(StartDecision.Action.OFFER_BUTTON);
            assertThat(f.intelligence().onStart(f.start(Fixture.windows("win-9", false))))
                    .isEqualTo(
                            StartDecision.of(StartDecision.Action.FALLBACK, DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT));
        }
    }

    @Nested
    @DisplayName("after a failed attempt")
    class Failure {

        @Test
        @DisplayName("diagnoses a deleted passkey: used here before, immediate failure, no other device since")
        void deleted() {
            FailureDecision decision = fastFailureAfterSuccessOnMac(f.icloudOnMac());
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.MEDIUM);
            assertThat(decision.diagnosis().evidence()).anyMatch(e -> e.contains("no other device used it since"));
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName(
                "one fast failure on a device whose passkey worked is a calm retry, not evidence of absence; the second failure falls back with the deletion hypothesis")
        void fastFailureIsNoEvidence() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.advance(Duration.ofDays(3));

            FailureDecision first = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(120)));
            assertThat(first.diagnosis().cause()).isEqualTo(FailureCause.USER_CANCELLED);
            assertThat(first.action()).isEqualTo(FailureDecision.Action.RETRY);

            f.failure(Fixture.MAC, 120);
            FailureDecision second =
                    f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(80), Fixture.cancel(120)));
            assertThat(second.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(second.diagnosis().confidence())
                    .as("timing raises the confidence by one level at most")
                    .isEqualTo(Confidence.MEDIUM);
            assertThat(second.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName(
                "with fallBackAtOnceWhenPasskeyAbsent off, a new device without the passkey also gets one calm retry")
        void newDeviceCalmRetry() {
            f.icloudOnMac();
            AutoHealingPolicy retryFirst = AutoHealingPolicy.custom()
                    .fallBackAtOnceWhenPasskeyAbsent(false)
                    .build();
            FailureDecision first = f.intelligence(retryFirst)
                    .onPasskeyFailure(f.failed(Fixture.windows("win-9", true), Fixture.cancel(30)));
            assertThat(first.diagnosis().cause()).isEqualTo(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY);
            assertThat(first.action()).isEqualTo(FailureDecision.Action.RETRY);
        }

        @Test
        @DisplayName(
                "near miss: with fallBackAtOnceWhenPasskeyAbsent off, server-side rejections and SecurityError still fall back at once")
        void passkeyAbsentKnobKeepsHardFailures() {
            f.icloudOnMac();
            AutoHealingPolicy retryFirst = AutoHealingPolicy.custom()
                    .fallBackAtOnceWhenPasskeyAbsent(false)
                    .build();
            PasskeyFailure unknown =
                    new PasskeyFailure(AttemptOutcome.UNKNOWN_CREDENTIAL, null, -1, Bytes.of(new byte[] {9}));
            PasskeyFailure security = new PasskeyFailure(AttemptOutcome.SECURITY_ERROR, "SecurityError", 5, null);
            assertThat(f.intelligence(retryFirst)
                            .onPasskeyFailure(f.failed(Fixture.mac(), unknown))
                            .action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
            assertThat(f.intelligence(retryFirst)
                            .onPasskeyFailure(f.failed(Fixture.mac(), security))
                            .action())
                    .isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName(
                "is highly confident of a deletion only when immediate UI mode found no credential, never from timing alone")
        void deletedHigh() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failure(Fixture.MAC, 90);
            FailureDecision timing =
                    f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(60), Fixture.cancel(90)));
            assertThat(timing.diagnosis().confidence()).isEqualTo(Confidence.MEDIUM);

            f.advance(Duration.ofMinutes(1));
            PasskeyFailure immediate =
                    new PasskeyFailure(AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", 40, null);
            FailureDecision probe = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), immediate));
            assertThat(probe.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(probe.diagnosis().confidence()).isEqualTo(Confidence.HIGH);
            assertThat(probe.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("near miss: a slow immediate-mode rejection means its UI was shown and dismissed: a calm retry")
        void immediateDismissed() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            PasskeyFailure dismissed =
                    new PasskeyFailure(AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", 4_000, null);
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), dismissed));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.USER_CANCELLED);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
        }

        @Test
        @DisplayName("near miss: a slow NotAllowedError on a device where the passkey works is a calm-retry cancel")
        void cancelNotDeleted() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            FailureDecision decision =
                    f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(4_500)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.USER_CANCELLED);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
        }

        @Test
        @DisplayName(
                "falls back after the second consecutive cancel, stating the absence hypothesis the offer will test")
        void secondCancel() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failure(Fixture.MAC, 4_000);
            FailureDecision decision = f.intelligence()
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(4_000)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.LOW);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("near miss: with firstCancelCounts off, the second cancel is still retried")
        void firstCancelFree() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failure(Fixture.MAC, 4_000);
            AutoHealingPolicy policy =
                    AutoHealingPolicy.custom().firstCancelCounts(false).build();
            FailureDecision decision = f.intelligence(policy)
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(4_000)));
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
        }

        @Test
        @DisplayName(
                "diagnoses a different cloud account: an iCloud passkey gone here still succeeds on another device")
        void differentCloudAccount() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.advance(Duration.ofDays(1));
            f.success(c, Fixture.PHONE);
            FailureDecision decision = f.intelligence()
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(150)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.DIFFERENT_CLOUD_ACCOUNT);
            assertThat(decision.diagnosis().evidence())
                    .anyMatch(e -> e.contains("still succeeded on another device"))
                    .anyMatch(e -> e.contains("iCloud") || e.contains("Apple"));
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("is more confident of another account when the other device succeeded after the failure here")
        void differentCloudAccountHigh() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 100);
            f.success(c, Fixture.PHONE);
            FailureDecision decision = f.intelligence()
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(150)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.DIFFERENT_CLOUD_ACCOUNT);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.MEDIUM);
        }

        @Test
        @DisplayName(
                "near miss: another device's use before this device's last success is no evidence of another account")
        void otherUseTooEarly() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.PHONE);
            f.advance(Duration.ofDays(1));
            f.success(c, Fixture.MAC);
            FailureDecision decision = f.intelligence()
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(150)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
        }

        @Test
        @DisplayName("diagnoses a signed-out password manager: a 1Password passkey gone here still succeeds elsewhere")
        void passwordManager() {
            StoredCredential c = f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            f.success(c, Fixture.MAC);
            f.success(c, Fixture.OTHER);
            FailureDecision decision = f.intelligence()
                    .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(40)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.PASSWORD_MANAGER_UNAVAILABLE);
            assertThat(decision.diagnosis().evidence()).anyMatch(e -> e.contains("1Password"));
        }

        @Test
        @DisplayName("near miss: a device-bound Windows Hello passkey is not blamed on a password manager")
        void deviceBoundNotPasswordManager() {
            StoredCredential c = f.credential(Fixture.WINDOWS_HELLO, false, "win-1", "Windows");
            f.success(c, "win-1");
            f.success(c, Fixture.OTHER);
            FailureDecision decision =
                    f.intelligence().onPasskeyFailure(f.failed(Fixture.windows("win-1", true), Fixture.cancel(40)));
            assertThat(decision.diagnosis().cause())
                    .isNotEqualTo(FailureCause.PASSWORD_MANAGER_UNAVAILABLE)
                    .isNotEqualTo(FailureCause.DIFFERENT_CLOUD_ACCOUNT);
        }

        @Test
        @DisplayName("diagnoses a new device without the passkey: it never succeeded here and failed immediately")
        void newDevice() {
            f.icloudOnMac();
            FailureDecision decision =
                    f.intelligence().onPasskeyFailure(f.failed(Fixture.windows("win-9", true), Fixture.cancel(30)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.MEDIUM);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("near miss: a device that succeeded before is not a new device")
        void notNewDevice() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            assertThat(f.intelligence()
                            .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(30)))
                            .diagnosis()
                            .cause())
                    .isNotEqualTo(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY);
        }

        @Test
        @DisplayName("takes a fast failure without a device id as a plain cancel: timing alone is no evidence")
        void noDeviceId() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            ClientContext anonymous =
                    Fixture.client(null, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", null, true, null);
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(anonymous, Fixture.cancel(30)));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.USER_CANCELLED);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.LOW);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
        }

        @Test
        @DisplayName("diagnoses a timeout from the outcome, or from a NotAllowedError slower than the threshold")
        void timedOut() {
            f.icloudOnMac();
            PasskeyFailure timeout = new PasskeyFailure(AttemptOutcome.TIMED_OUT, "TimeoutError", 120_000, null);
            assertThat(f.intelligence()
                            .onPasskeyFailure(f.failed(Fixture.mac(), timeout))
                            .diagnosis())
                    .extracting(FailureDiagnosis::cause, FailureDiagnosis::confidence)
                    .containsExactly(FailureCause.TIMED_OUT, Confidence.HIGH);
            assertThat(f.intelligence()
                            .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(45_000)))
                            .diagnosis()
                            .cause())
                    .isEqualTo(FailureCause.TIMED_OUT);
            assertThat(f.intelligence()
                            .onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(10_000)))
                            .diagnosis()
                            .cause())
                    .isNotEqualTo(FailureCause.TIMED_OUT);
        }

        @Test
        @DisplayName("falls back at once when the credential is unknown to the server")
        void unknownCredential() {
            f.icloudOnMac();
            PasskeyFailure unknown =
                    new PasskeyFailure(AttemptOutcome.UNKNOWN_CREDENTIAL, null, -1, Bytes.of(new byte[] {9}));
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), unknown));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("falls back at once when the server rejects the response")
        void verificationFailed() {
            f.icloudOnMac();
            PasskeyFailure bad = new PasskeyFailure(AttemptOutcome.BAD_SIGNATURE, null, -1, Bytes.of(new byte[] {9}));
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), bad));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.VERIFICATION_FAILED);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("falls back at once on SecurityError: a misconfigured relying party")
        void misconfiguration() {
            f.icloudOnMac();
            PasskeyFailure security = new PasskeyFailure(AttemptOutcome.SECURITY_ERROR, "SecurityError", 5, null);
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), security));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.RP_MISCONFIGURATION);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
        }

        @Test
        @DisplayName("calls an unrecognised browser error unknown and retries")
        void unknown() {
            f.icloudOnMac();
            PasskeyFailure other = new PasskeyFailure(AttemptOutcome.CLIENT_ERROR, "UnknownError", 2_000, null);
            FailureDecision decision = f.intelligence().onPasskeyFailure(f.failed(Fixture.mac(), other));
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.UNKNOWN);
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.RETRY);
        }
    }

    @Nested
    @DisplayName("after the fallback login")
    class Healing {

        private FailureDiagnosis lost(StoredCredential c) {
            f.success(c, Fixture.MAC);
            f.advance(Duration.ofDays(2));
            f.failure(Fixture.MAC, 120);
            f.append(Fixture.MAC, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1);
            return FailureDiagnosis.of(FailureCause.PASSKEY_DELETED_LOCALLY, Confidence.MEDIUM, "x");
        }

        @Test
        @DisplayName("offers an after-error passkey where the old one is gone, flagging it")
        void afterError() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            HealingDecision decision =
                    f.intelligence().onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(asOffer(decision).replacedCredentials()).containsExactly(c.credentialId());
            assertThat(asOffer(decision).replacedCredentialStatus()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(decision.platform()).isEqualTo(dev.passkeyflow.core.ClientPlatform.MACOS);
        }

        @Test
        @DisplayName(
                "near miss: after the browser proved the passkey present (InvalidStateError), mere cancels get no offer")
        void notAfterCancels() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 3_000, 6_000);
            f.append(Fixture.MAC, null, AttemptOutcome.ALREADY_REGISTERED, "InvalidStateError", 1_500);
            f.advance(Duration.ofDays(2));
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.mac(),
                            FailureDiagnosis.of(FailureCause.USER_CANCELLED, Confidence.MEDIUM),
                            Fixture.cancel(3_000),
                            Fixture.cancel(6_000)));
            assertThat(kindOf(decision)).isNull();
            assertThat(decision.tagTexts()).containsExactly("passkey-present-on-environment");
        }

        @Test
        @DisplayName(
                "a passkey login here after the InvalidStateError spends the proof and the next failed flow gets the offer; a sign-in by phone does not spend it")
        void proofSpentByLocalLoginOnly() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 3_000, 6_000);
            f.append(Fixture.MAC, null, AttemptOutcome.ALREADY_REGISTERED, "InvalidStateError", 1_500);
            f.advance(Duration.ofDays(1));
            f.crossDeviceSuccess(c, Fixture.MAC);
            f.advance(Duration.ofDays(1));
            HealingDecision afterPhone = f.intelligence().onAuthenticatedWithoutPasskey(twoCancels());
            assertThat(kindOf(afterPhone))
                    .as("the phone's authenticator signed: nothing about this Mac's")
                    .isNull();

            f.success(c, Fixture.MAC);
            f.advance(Duration.ofDays(1));
            HealingDecision afterLocalLogin = f.intelligence().onAuthenticatedWithoutPasskey(twoCancels());
            assertThat(kindOf(afterLocalLogin)).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(afterLocalLogin.tagTexts()).doesNotContain("passkey-present-on-environment");
        }

        private HealingContext twoCancels() {
            return f.healing(
                    Fixture.mac(),
                    FailureDiagnosis.of(FailureCause.USER_CANCELLED, Confidence.MEDIUM),
                    Fixture.cancel(3_000),
                    Fixture.cancel(6_000));
        }

        @Test
        @DisplayName("offers after every prompt of the flow failed and the password was right: the offer is the probe")
        void doubtOffer() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failedFlow(Fixture.MAC, 3_000, 6_000);
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.mac(),
                            FailureDiagnosis.of(FailureCause.USER_CANCELLED, Confidence.LOW),
                            Fixture.cancel(3_000),
                            Fixture.cancel(6_000)));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.LOW);
        }

        @Test
        @DisplayName("retires the replaced passkey only when certain of a deletion and no other device used it")
        void retireWhenCertain() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            PasskeyFailure immediate =
                    new PasskeyFailure(AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", 50, null);
            f.append(Fixture.MAC, null, AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError", 50);
            AutoHealingPolicy retire = AutoHealingPolicy.custom()
                    .replacedCredentialHandling(AutoHealingPolicy.ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN)
                    .build();
            HealingDecision decision = f.intelligence(retire)
                    .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), FailureDiagnosis.unknown(), immediate));
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.HIGH);
            assertThat(asOffer(decision).replacedCredentialStatus()).isEqualTo(CredentialStatus.RETIRED);

            HealingDecision timingOnly = f.intelligence(retire)
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.mac(), FailureDiagnosis.unknown(), Fixture.cancel(50), Fixture.cancel(70)));
            assertThat(asOffer(timingOnly).replacedCredentialStatus())
                    .as("fast cancels never make a deletion certain")
                    .isEqualTo(CredentialStatus.SUSPECTED_BROKEN);

            HealingDecision byDefault = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), FailureDiagnosis.unknown(), immediate));
            assertThat(asOffer(byDefault).replacedCredentialStatus()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
        }

        @Test
        @DisplayName("near miss: does not retire a passkey another device used within the policy's period")
        void noRetireWhenUsedElsewhere() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.PHONE);
            f.advance(Duration.ofDays(1));
            f.success(c, Fixture.MAC);
            f.failure(Fixture.MAC, 50);
            f.failure(Fixture.MAC, 70);
            AutoHealingPolicy retire = AutoHealingPolicy.custom()
                    .replacedCredentialHandling(AutoHealingPolicy.ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN)
                    .build();
            HealingDecision decision = f.intelligence(retire)
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.mac(), FailureDiagnosis.unknown(), Fixture.cancel(50), Fixture.cancel(70)));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(asOffer(decision).replacedCredentialStatus()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
        }

        @Test
        @DisplayName("makes no offer on a device that cannot create a passkey, unless the policy allows it")
        void cannotCreate() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            ClientContext noPlatform =
                    Fixture.client(Fixture.MAC, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", null, false, true);
            assertThat(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(noPlatform, last, Fixture.cancel(120)))
                            .tagTexts())
                    .containsExactly("device-cannot-create-passkey");
            AutoHealingPolicy lenient = AutoHealingPolicy.custom()
                    .requireLocalCreateCapability(false)
                    .build();
            assertThat(kindOf(f.intelligence(lenient)
                            .onAuthenticatedWithoutPasskey(f.healing(noPlatform, last, Fixture.cancel(120)))))
                    .isEqualTo(HealingKind.AFTER_ERROR);
        }

        @Test
        @DisplayName("offers a first passkey to a user who has none, on a device that can create one")
        void firstPasskey() {
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), FailureDiagnosis.unknown()))))
                    .isEqualTo(HealingKind.FIRST_PASSKEY);
            ClientContext noPlatform = Fixture.client(Fixture.MAC, "Mozilla/5.0 (Macintosh)", null, false, true);
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(noPlatform, FailureDiagnosis.unknown()))))
                    .isNull();
        }

        @Test
        @DisplayName("offers an additional passkey on a new device that cannot hold the user's passkeys")
        void newDevice() {
            f.icloudOnMac();
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(
                            f.healing(Fixture.windows("win-9", true), FailureDiagnosis.unknown()));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.ADDITIONAL_PASSKEY);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY);
            assertThat(asOffer(decision).replacedCredentials()).isEmpty();
        }

        @Test
        @DisplayName("near miss: no offer on a new device where the synced passkey is likely present")
        void newDeviceLikelySynced() {
            f.icloudOnMac();
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(
                                    f.healing(Fixture.iphone("new-phone"), FailureDiagnosis.unknown()))))
                    .isNull();
        }

        @Test
        @DisplayName(
                "offers an additional passkey on a new device where the user skipped the passkey button of a password-manager passkey")
        void skippedButtonOnNewDevice() {
            StoredCredential c = f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            f.success(c, Fixture.MAC);
            ClientContext newLaptop = Fixture.windows("win-9", true);
            assertThat(f.intelligence(BUTTONS).onStart(f.start(newLaptop)).action())
                    .isEqualTo(StartDecision.Action.OFFER_BUTTON);

            HealingDecision decision = f.intelligence(BUTTONS)
                    .onAuthenticatedWithoutPasskey(
                            f.healing(newLaptop, FallbackReason.USER_CHOSE_FALLBACK, FailureDiagnosis.unknown()));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.ADDITIONAL_PASSKEY);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.NEW_DEVICE_WITHOUT_PASSKEY);
            assertThat(decision.diagnosis().confidence()).isEqualTo(Confidence.LOW);
            assertThat(decision.diagnosis().evidence()).anyMatch(e -> e.contains("without trying a passkey"));
            assertThat(asOffer(decision).replacedCredentials()).isEmpty();
        }

        @Test
        @DisplayName(
                "near miss: the same device without the reason, or when the flow skipped the passkey itself, gets no offer")
        void skippedButtonNeedsTheReason() {
            StoredCredential c = f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            f.success(c, Fixture.MAC);
            ClientContext newLaptop = Fixture.windows("win-9", true);
            for (FallbackReason reason :
                    new FallbackReason[] {null, FallbackReason.PASSKEY_NOT_AVAILABLE, FallbackReason.FALLBACK_FAILED}) {
                HealingDecision decision = f.intelligence()
                        .onAuthenticatedWithoutPasskey(f.healing(newLaptop, reason, FailureDiagnosis.unknown()));
                assertThat(kindOf(decision)).as("reason %s", reason).isNull();
            }
        }

        @Test
        @DisplayName("near miss: skipping the passkey on a device where it worked before is no reason for an offer")
        void skippedButtonWherePasskeyWorks() {
            StoredCredential c = f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            f.success(c, "win-1");
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.windows("win-1", true),
                            FallbackReason.USER_CHOSE_FALLBACK,
                            FailureDiagnosis.unknown()));
            assertThat(kindOf(decision)).isNull();
            assertThat(decision.tagTexts()).containsExactly("passkey-may-still-work-here");
        }

        @Test
        @DisplayName(
                "near miss: choosing the password on a new device where the synced passkey is likely present gets no offer")
        void skippedWhereSyncedPasskeyLikely() {
            f.icloudOnMac();
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(
                                    Fixture.iphone("new-phone"),
                                    FallbackReason.USER_CHOSE_FALLBACK,
                                    FailureDiagnosis.unknown()))))
                    .isNull();
        }

        @Test
        @DisplayName("near miss: choosing the password after a mere cancel where the passkey works gets no offer")
        void choseFallbackAfterCancel() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            f.failure(Fixture.MAC, 4_000);
            f.append(Fixture.MAC, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1);
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.mac(),
                            FallbackReason.USER_CHOSE_FALLBACK,
                            FailureDiagnosis.of(FailureCause.USER_CANCELLED, Confidence.MEDIUM),
                            Fixture.cancel(4_000)));
            assertThat(kindOf(decision)).isNull();
            assertThat(decision.tagTexts()).containsExactly("passkey-may-still-work-here");
        }

        @Test
        @DisplayName("near miss: a skipped button respects the cooldown after a declined offer on this device")
        void skippedButtonCooldown() {
            StoredCredential c = f.credential(Fixture.ONE_PASSWORD, true, Fixture.MAC, "macOS");
            f.success(c, Fixture.MAC);
            f.append("win-9", null, AttemptOutcome.REGISTRATION_DECLINED, null, -1);
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(
                            Fixture.windows("win-9", true),
                            FallbackReason.USER_CHOSE_FALLBACK,
                            FailureDiagnosis.unknown()));
            assertThat(kindOf(decision)).isNull();
            assertThat(decision.tagTexts()).containsExactly("declined-recently");
            f.advance(AutoHealingPolicy.DEFAULT_COOLDOWN_AFTER_DECLINE.plusHours(1));
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(
                                    Fixture.windows("win-9", true),
                                    FallbackReason.USER_CHOSE_FALLBACK,
                                    FailureDiagnosis.unknown()))))
                    .isEqualTo(HealingKind.ADDITIONAL_PASSKEY);
        }

        @Test
        @DisplayName("offers a new passkey when the server does not know the credential presented")
        void unknownToServer() {
            f.icloudOnMac();
            PasskeyFailure unknown =
                    new PasskeyFailure(AttemptOutcome.UNKNOWN_CREDENTIAL, null, -1, Bytes.of(new byte[] {9}));
            HealingDecision decision = f.intelligence()
                    .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), FailureDiagnosis.unknown(), unknown));
            assertThat(kindOf(decision)).isEqualTo(HealingKind.AFTER_ERROR);
            assertThat(decision.diagnosis().cause()).isEqualTo(FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER);
        }

        @Test
        @DisplayName("waits out the cooldown after a declined offer on this device, then offers again")
        void declineCooldown() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            f.append(Fixture.MAC, null, AttemptOutcome.REGISTRATION_DECLINED, null, -1);
            assertThat(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)))
                            .tagTexts())
                    .containsExactly("declined-recently");
            f.advance(AutoHealingPolicy.DEFAULT_COOLDOWN_AFTER_DECLINE.plusHours(1));
            f.failure(Fixture.MAC, 100);
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(100)))))
                    .isEqualTo(HealingKind.AFTER_ERROR);
        }

        @Test
        @DisplayName("waits a day after the user cancelled the OS dialog")
        void cancelCooldown() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            f.append(Fixture.MAC, null, AttemptOutcome.REGISTRATION_CANCELLED, "NotAllowedError", 3_000);
            assertThat(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)))
                            .tagTexts())
                    .containsExactly("creation-cancelled-recently");
            f.advance(Duration.ofDays(1).plusMinutes(1));
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)))))
                    .isEqualTo(HealingKind.AFTER_ERROR);
        }

        @Test
        @DisplayName("stops offering for about 30 days after three unanswered offers in a row")
        void offerLimit() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            for (int i = 0; i < 3; i++) {
                f.append("elsewhere-" + i, null, AttemptOutcome.REGISTRATION_CANCELLED, "NotAllowedError", 3_000);
                f.advance(Duration.ofDays(2));
            }
            assertThat(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)))
                            .tagTexts())
                    .containsExactly("offer-limit-reached");
            f.advance(Duration.ofDays(31));
            f.failure(Fixture.MAC, 100);
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(100)))))
                    .isEqualTo(HealingKind.AFTER_ERROR);
        }

        @Test
        @DisplayName("near miss: a passkey created in between resets the count of unanswered offers")
        void offerLimitReset() {
            StoredCredential c = f.icloudOnMac();
            FailureDiagnosis last = lost(c);
            f.append("elsewhere-0", null, AttemptOutcome.REGISTRATION_CANCELLED, "NotAllowedError", 3_000);
            f.append("elsewhere-1", null, AttemptOutcome.REGISTRATION_CANCELLED, "NotAllowedError", 3_000);
            f.append("elsewhere-2", null, AttemptOutcome.REGISTERED, null, -1);
            f.append("elsewhere-3", null, AttemptOutcome.REGISTRATION_CANCELLED, "NotAllowedError", 3_000);
            f.advance(Duration.ofDays(2));
            assertThat(kindOf(f.intelligence()
                            .onAuthenticatedWithoutPasskey(f.healing(Fixture.mac(), last, Fixture.cancel(120)))))
                    .isEqualTo(HealingKind.AFTER_ERROR);
        }
    }

    @Nested
    @DisplayName("events and cost")
    class EventsAndCost {

        @Test
        @DisplayName("publishes each decision with its diagnosis, and a throwing listener changes nothing")
        void events() {
            StoredCredential c = f.icloudOnMac();
            f.success(c, Fixture.MAC);
            List<IntelligenceEvent> seen = new ArrayList<>();
            PasskeyIntelligence intelligence = PasskeyIntelligence.builder()
                    .credentialRepository(f.credentials)
                    .loginAttemptRepository(f.attempts)
                    .listener(e -> {
                        throw new IllegalStateException("boom");
                    })
                    .listener(seen::add)
                    .build();
            intelligence.onStart(f.start(Fixture.mac()));
            FailureDecision decision =
                    intelligence.onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(3_000), Fixture.cancel(90)));
            assertThat(decision.action()).isEqualTo(FailureDecision.Action.FALLBACK);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0)).isInstanceOf(IntelligenceEvent.StartAdvised.class);
            assertThat(((IntelligenceEvent.FailureDiagnosed) seen.get(1))
                            .diagnosis()
                            .cause())
                    .isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            assertThat(seen.get(1).at()).isEqualTo(f.now());
        }

        @Test
        @DisplayName("reads only bounded windows, however long the history")
        void boundedReads() {
            StoredCredential c = f.icloudOnMac();
            for (int i = 0; i < 3_000; i++) {
                f.success(c, i % 2 == 0 ? Fixture.MAC : Fixture.PHONE);
            }
            CountingAttempts counting = new CountingAttempts(f.attempts);
            AutoHealingPolicy policy = AutoHealingPolicy.ofDefaults();
            PasskeyIntelligence intelligence = PasskeyIntelligence.builder()
                    .credentialRepository(f.credentials)
                    .loginAttemptRepository(counting)
                    .policy(policy)
                    .build();
            intelligence.onStart(f.start(Fixture.mac()));
            intelligence.onPasskeyFailure(f.failed(Fixture.mac(), Fixture.cancel(90)));
            intelligence.onAuthenticatedWithoutPasskey(
                    f.healing(Fixture.mac(), FailureDiagnosis.unknown(), Fixture.cancel(90)));
            assertThat(counting.queries).isBetween(1, 12);
            assertThat(counting.maxLimit).isLessThanOrEqualTo(policy.historyLimit());
            assertThat(counting.rowsRead).isLessThanOrEqualTo(12 * policy.historyLimit());
        }
    }

    @Test
    @DisplayName("the builder requires both repositories and rejects one set twice")
    void builder() {
        assertThatThrownBy(() -> PasskeyIntelligence.builder()
                        .credentialRepository(f.credentials)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loginAttemptRepository");
        assertThatThrownBy(() -> PasskeyIntelligence.builder()
                        .credentialRepository(f.credentials)
                        .credentialRepository(f.credentials))
                .hasMessageContaining("already set");
    }

    /** Counts the queries a decision makes and the rows it reads. */
    static final class CountingAttempts implements LoginAttemptRepository {
        private final LoginAttemptRepository delegate;
        int queries;
        int maxLimit;
        int rowsRead;

        CountingAttempts(LoginAttemptRepository delegate) {
            this.delegate = delegate;
        }

        private List<LoginAttempt> count(int limit, List<LoginAttempt> rows) {
            queries++;
            maxLimit = Math.max(maxLimit, limit);
            rowsRead += rows.size();
            return rows;
        }

        @Override
        public void append(LoginAttempt attempt) {
            delegate.append(attempt);
        }

        @Override
        public List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit) {
            return count(limit, delegate.recentByUser(userHandle, since, limit));
        }

        @Override
        public List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit) {
            return count(limit, delegate.recentByDevice(deviceId, since, limit));
        }

        @Override
        public List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit) {
            return count(limit, delegate.recentByCredential(credentialId, since, limit));
        }

        @Override
        public int purgeOlderThan(Instant cutoff) {
            return delegate.purgeOlderThan(cutoff);
        }
    }

    private static @org.jspecify.annotations.Nullable HealingKind kindOf(HealingDecision decision) {
        return decision instanceof HealingDecision.Offer offer ? offer.kind() : null;
    }

    private static HealingDecision.Offer asOffer(HealingDecision decision) {
        assertThat(decision).isInstanceOf(HealingDecision.Offer.class);
        return (HealingDecision.Offer) decision;
    }
}
