package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.intelligence.AutoHealingPolicy.PhoneOnlyStart;
import dev.passkeyflow.intelligence.AutoHealingPolicy.UncertainStart;
import dev.passkeyflow.intelligence.AutoHealingPolicy.UnprovenFailureOffer;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The three policy knobs that trade one simulator target against another, each setting through a real
 * {@code LoginFlow}, and the browser evidence that ends the doubt without them.
 */
@DisplayName("Policy settings and browser evidence, through LoginFlow")
class PolicySettingsTest {

    /** An iPhone whose iCloud passkey worked twice; the person then dismisses two prompts after 4 s each. */
    private static final class Phone {
        final FlowWorld w;
        final UserAccount ann;
        final SoftwareAuthenticator keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
        final ClientContext phone;

        Phone(AutoHealingPolicy policy, ClientContext phone) {
            this.w = new FlowWorld(policy);
            this.phone = phone;
            this.ann = w.user("ann@example.com");
            w.enrol(ann, keychain, phone);
            w.passkeyLogin(ann, phone, keychain);
            w.advanceDays(2);
        }

        /** Two prompts dismissed after 4 s, then the password: the offer, or the completed login. */
        LoginStep twoDismissalsAndPassword() {
            LoginStep fallback = w.dismiss(w.dismiss(w.start(ann, phone), 4_000), 4_000);
            assertThat(fallback)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.reason()).isEqualTo(FallbackReason.PASSKEY_FAILED));
            return w.password(fallback);
        }
    }

    private static AutoHealingPolicy unproven(UnprovenFailureOffer setting) {
        return AutoHealingPolicy.custom().unprovenFailureOffer(setting).build();
    }

    private static ClientContext immediateIphone(String deviceId) {
        Map<String, Boolean> capabilities = new LinkedHashMap<>();
        capabilities.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, true);
        capabilities.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, true);
        capabilities.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, true);
        capabilities.put(ClientContext.CAPABILITY_IMMEDIATE_GET, true);
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(FlowWorld.UA_IPHONE)
                .hints(ClientHints.none())
                .capabilities(capabilities)
                .userVerifyingPlatformAuthenticator(true)
                .build();
    }

    @Nested
    @DisplayName("unprovenFailureOffer: failed prompts without proof, then a good password")
    class Unproven {

        @Test
        @DisplayName("AT_FIRST_FALLBACK (the default) offers at the first such fallback")
        void atFirstFallback() {
            assertThat(AutoHealingPolicy.ofDefaults().unprovenFailureOffer())
                    .isEqualTo(UnprovenFailureOffer.AT_FIRST_FALLBACK);
            Phone p = new Phone(AutoHealingPolicy.ofDefaults(), FlowWorld.iphone("iphone-1"));
            assertThat(p.twoDismissalsAndPassword())
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
        }

        @Test
        @DisplayName(
                "AFTER_REPEATED_FAILURE offers only when an earlier flow on the device also failed since its last success")
        void afterRepeatedFailure() {
            Phone p = new Phone(unproven(UnprovenFailureOffer.AFTER_REPEATED_FAILURE), FlowWorld.iphone("iphone-1"));
            assertThat(p.twoDismissalsAndPassword())
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
            p.w.advanceDays(1);
            assertThat(p.twoDismissalsAndPassword())
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
        }

        @Test
        @DisplayName(
                "NEVER offers neither at the first nor at a repeated failure, only with proof: immediate UI mode found no passkey")
        void never() {
            Phone p = new Phone(unproven(UnprovenFailureOffer.NEVER), FlowWorld.iphone("iphone-1"));
            assertThat(p.twoDismissalsAndPassword()).isInstanceOf(LoginStep.Completed.class);
            p.w.advanceDays(1);
            assertThat(p.twoDismissalsAndPassword())
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));

            Phone proof = new Phone(unproven(UnprovenFailureOffer.NEVER), immediateIphone("iphone-2"));
            LoginStep probe = proof.w.start(proof.ann, proof.phone);
            assertThat(probe)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.immediate()).isTrue());
            LoginStep fallback = proof.w.flow.reportImmediateRejection(probe.flowId(), 40);
            assertThat(fallback).isInstanceOf(LoginStep.FallbackRequired.class);
            assertThat(proof.w.password(fallback)).isInstanceOf(LoginStep.HealingOffer.class);
        }
    }

    @Nested
    @DisplayName("browser evidence")
    class Evidence {

        @Test
        @DisplayName(
                "two quick cancels in one flow, after the browser proved the passkey present there, leave uncertain history, not negative: with uncertainStart BUTTON a passkey button, not the password form")
        void timingDoesNotOutweighPresenceProof() {
            Phone p = new Phone(
                    AutoHealingPolicy.custom()
                            .uncertainStart(UncertainStart.BUTTON)
                            .build(),
                    FlowWorld.iphone("iphone-5"));
            assertThat(p.w.alreadyExists(p.twoDismissalsAndPassword())).isInstanceOf(LoginStep.Completed.class);
            p.w.advanceDays(2);
            LoginStep fallback = p.w.dismiss(p.w.dismiss(p.w.start(p.ann, p.phone), 600), 700);
            assertThat(p.w.password(fallback))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
            p.w.advanceDays(1);

            LoginStep next = p.w.start(p.ann, p.phone);

            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isFalse());
            assertThat(p.w.lastStartTags()).contains(DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT.text());
            assertThat(p.w.sign(next, p.keychain, "platform")).isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName(
                "immediate UI mode that showed its UI proves the passkey is here: a dismissal there and at the retry gets no offer")
        void immediateUiShownIsPresence() {
            Phone p = new Phone(AutoHealingPolicy.ofDefaults(), immediateIphone("iphone-3"));
            LoginStep probe = p.w.start(p.ann, p.phone);
            assertThat(probe)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.immediate()).isTrue());
            p.w.clock.advance(Duration.ofMillis(3_500));
            LoginStep retry = p.w.flow.reportImmediateRejection(probe.flowId(), 3_500);
            LoginStep fallback = p.w.dismiss(retry, 4_000);
            assertThat(p.w.password(fallback))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
        }

        @Test
        @DisplayName(
                "a quick immediate-UI rejection shows the person nothing, so it does not use up one of the two attempts on a PC reached by phone")
        void quickImmediateRejectionIsNotAnAttempt() {
            FlowWorld w = new FlowWorld();
            UserAccount dan = w.user("dan@example.com");
            SoftwareAuthenticator phoneKeychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            w.enrol(dan, phoneKeychain, FlowWorld.iphone("iphone-1"));
            Map<String, Boolean> capabilities = new LinkedHashMap<>();
            capabilities.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, true);
            capabilities.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, true);
            capabilities.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, true);
            capabilities.put(ClientContext.CAPABILITY_IMMEDIATE_GET, true);
            ClientContext pc = ClientContext.builder()
                    .deviceId("pc-1")
                    .userAgent(FlowWorld.UA_WINDOWS_CHROME)
                    .hints(new ClientHints("Windows", null, null))
                    .capabilities(capabilities)
                    .userVerifyingPlatformAuthenticator(true)
                    .build();
            // One earlier flow on the PC failed (two sheets dismissed), so its start now probes with immediate UI mode.
            w.advanceDays(1);
            w.password(w.dismiss(w.dismiss(w.start(dan, pc), 4_000), 4_000));
            w.advanceDays(1);
            LoginStep probe = w.start(dan, pc);
            assertThat(probe)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.immediate()).isTrue());
            LoginStep sheet = w.flow.reportImmediateRejection(probe.flowId(), 30);
            assertThat(sheet)
                    .as("the sheet with the QR code, not the password")
                    .isInstanceOf(LoginStep.PasskeyChallenge.class);
            LoginStep second = w.dismiss(sheet, 300);
            assertThat(second)
                    .as("a second prompt: the phone may still be reached")
                    .isInstanceOf(LoginStep.PasskeyChallenge.class);
            assertThat(w.sign(second, phoneKeychain, "cross-platform"))
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_HYBRID));
        }
    }

    @Nested
    @DisplayName("phoneOnlyStart: a PC without Windows Hello, the passkey on the user's iPhone")
    class PhoneOnly {

        /** Dan, whose iCloud passkey is on his iPhone, and a PC that can only reach it by QR code. */
        private static final class Pc {
            final FlowWorld w;
            final UserAccount dan;
            final SoftwareAuthenticator phoneKeychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            final ClientContext pc = FlowWorld.client("pc-1", FlowWorld.UA_WINDOWS_CHROME, "Windows", false, true);

            Pc(AutoHealingPolicy policy) {
                this.w = new FlowWorld(policy);
                this.dan = w.user("dan@example.com");
                w.enrol(dan, phoneKeychain, FlowWorld.iphone("iphone-1"));
                w.advanceDays(1);
            }

            LoginStep start() {
                return w.start(dan, pc);
            }

            /** A start whose sheet Dan answers by scanning the QR code with his phone. */
            void signInByPhone() {
                assertThat(w.sign(start(), phoneKeychain, "cross-platform")).isInstanceOf(LoginStep.Completed.class);
                w.advanceDays(3);
            }

            /** A start whose sheet Dan dismisses twice (no phone at hand), then the password. */
            void failedFlow() {
                LoginStep fallback = w.dismiss(w.dismiss(start(), 6_000), 6_000);
                assertThat(w.password(fallback)).isInstanceOf(LoginStep.Completed.class);
                w.advanceDays(3);
            }
        }

        private static boolean automatic(LoginStep step) {
            assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
            return ((LoginStep.PasskeyChallenge) step).autoStart();
        }

        @Test
        @DisplayName("BUTTON shows a passkey button, even after sign-ins by phone there")
        void button() {
            Pc p = new Pc(AutoHealingPolicy.custom()
                    .phoneOnlyStart(PhoneOnlyStart.BUTTON)
                    .build());
            assertThat(automatic(p.start())).isFalse();
            p.w.advanceDays(1);
            p.signInByPhone();
            p.signInByPhone();
            assertThat(automatic(p.start())).isFalse();
        }

        @Test
        @DisplayName("ATTEMPT_AUTOMATICALLY opens the browser's sheet (and its QR code) at once")
        void automatic() {
            AutoHealingPolicy policy = AutoHealingPolicy.custom()
                    .phoneOnlyStart(PhoneOnlyStart.ATTEMPT_AUTOMATICALLY)
                    .build();
            assertThat(policy.toString()).contains("phoneOnlyStart=ATTEMPT_AUTOMATICALLY");
            assertThat(AutoHealingPolicy.from(policy).build().phoneOnlyStart())
                    .isEqualTo(PhoneOnlyStart.ATTEMPT_AUTOMATICALLY);
            assertThat(automatic(new Pc(policy).start())).isTrue();
        }

        @Test
        @DisplayName("ATTEMPT_AUTOMATICALLY keeps the automatic sheet after one failed flow there, as after two")
        void automaticAfterOneFailedFlow() {
            Pc p = new Pc(AutoHealingPolicy.custom()
                    .phoneOnlyStart(PhoneOnlyStart.ATTEMPT_AUTOMATICALLY)
                    .build());
            p.failedFlow();
            assertThat(automatic(p.start())).isTrue();
            assertThat(p.w.lastStartTags()).contains(DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT.text());
        }

        @Test
        @DisplayName(
                "ATTEMPT_AFTER_REPEATED_CROSS_DEVICE (the default): a button at first and after one sign-in by phone, the sheet at once after the second")
        void afterRepeatedCrossDevice() {
            assertThat(AutoHealingPolicy.ofDefaults().phoneOnlyStart())
                    .isEqualTo(PhoneOnlyStart.ATTEMPT_AFTER_REPEATED_CROSS_DEVICE);
            Pc p = new Pc(AutoHealingPolicy.ofDefaults());
            assertThat(automatic(p.start())).isFalse();
            p.w.advanceDays(1);
            p.signInByPhone();
            assertThat(automatic(p.start()))
                    .as("one sign-in by phone may have been a borrowed phone")
                    .isFalse();
            p.w.advanceDays(1);
            p.signInByPhone();
            assertThat(automatic(p.start())).isTrue();
        }

        @Test
        @DisplayName(
                "ATTEMPT_AFTER_REPEATED_CROSS_DEVICE: one failed flow keeps the automatic sheet, two since the newest sign-in by phone bring the button back")
        void failuresOutnumberingTheHabit() {
            Pc p = new Pc(AutoHealingPolicy.ofDefaults());
            p.signInByPhone();
            p.signInByPhone();
            p.failedFlow();
            assertThat(automatic(p.start())).isTrue();
            p.w.advanceDays(1);
            p.failedFlow();
            assertThat(automatic(p.start())).isFalse();
            assertThat(p.w.lastStartTags()).contains(DecisionTag.HYBRID_TRANSPORT_POSSIBLE.text());
        }

        @Test
        @DisplayName(
                "ATTEMPT_AFTER_REPEATED_CROSS_DEVICE: a sign-in by phone after failed flows brings the automatic sheet back, however many failed before")
        void newerSignInByPhoneOutweighsOlderFailures() {
            Pc p = new Pc(AutoHealingPolicy.ofDefaults());
            p.signInByPhone();
            p.signInByPhone();
            for (int i = 0; i < 3; i++) {
                p.w.advanceDays(1);
                p.failedFlow();
            }
            assertThat(automatic(p.start())).isFalse();
            p.w.advanceDays(1);
            p.signInByPhone();

            assertThat(automatic(p.start())).isTrue();
        }
    }

    @Nested
    @DisplayName("uncertainStart: a device where the passkey may or may not be")
    class UncertainStartSetting {

        private static final java.util.UUID ONE_PASSWORD =
                java.util.UUID.fromString("bada5566-a7aa-401f-bd96-45619a55120d");

        private final ClientContext firefox1 = FlowWorld.client("ff-1", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true);
        private final ClientContext firefox2 = FlowWorld.client("ff-2", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true);

        /** Bob, whose Windows Hello passkey was created in Firefox on a PC ("ff-1"). */
        private final class Bob {
            final FlowWorld w;
            final UserAccount bob;
            final SoftwareAuthenticator hello = FlowWorld.authenticator(FlowWorld.WINDOWS_HELLO, false);

            Bob(AutoHealingPolicy policy) {
                this.w = new FlowWorld(policy);
                this.bob = w.user("bob@example.com");
                w.enrol(bob, hello, firefox1);
            }
        }

        private boolean automatic(LoginStep step) {
            assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
            return ((LoginStep.PasskeyChallenge) step).autoStart();
        }

        @Test
        @DisplayName(
                "a 1Password passkey on a phone without history: the sheet at once by default (ATTEMPT_AUTOMATICALLY), a button with BUTTON")
        void passwordManagerPasskeyOnANewPhone() {
            assertThat(AutoHealingPolicy.ofDefaults().uncertainStart()).isEqualTo(UncertainStart.ATTEMPT_AUTOMATICALLY);
            for (UncertainStart setting : UncertainStart.values()) {
                FlowWorld w = new FlowWorld(
                        AutoHealingPolicy.custom().uncertainStart(setting).build());
                UserAccount ann = w.user("ann@example.com");
                SoftwareAuthenticator vault = FlowWorld.authenticator(ONE_PASSWORD, true);
                w.enrol(ann, vault, FlowWorld.client("mac-1", FlowWorld.UA_MAC_SAFARI, "macOS", true, true));
                w.advanceDays(3);

                LoginStep step = w.start(ann, FlowWorld.iphone("iphone-1"));

                assertThat(automatic(step))
                        .as(setting.name())
                        .isEqualTo(setting == UncertainStart.ATTEMPT_AUTOMATICALLY);
                assertThat(w.lastStartTags()).contains(DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN.text());
                assertThat(w.sign(step, vault, "platform")).isInstanceOf(LoginStep.Completed.class);
            }
        }

        @Test
        @DisplayName(
                "a passkey created by a browser never seen again under its device id: the next Windows Firefox without history may be that browser (issue #13, case 3)")
        void createdByAnUnseenClient() {
            for (UncertainStart setting : UncertainStart.values()) {
                Bob b = new Bob(
                        AutoHealingPolicy.custom().uncertainStart(setting).build());
                b.w.advanceDays(4);

                LoginStep step = b.w.start(b.bob, firefox2);

                assertThat(automatic(step))
                        .as(setting.name())
                        .isEqualTo(setting == UncertainStart.ATTEMPT_AUTOMATICALLY);
                assertThat(b.w.lastStartTags()).contains(DecisionTag.CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT.text());
                // The passkey may be here: a dismissed prompt gets the calm retry, not the password at once.
                LoginStep retry = b.w.dismiss(step, 3_000);
                assertThat(retry)
                        .as(setting.name())
                        .isInstanceOfSatisfying(
                                LoginStep.PasskeyChallenge.class,
                                c -> assertThat(c.calmRetry()).isTrue());
                assertThat(b.w.sign(retry, b.hello, "platform")).isInstanceOf(LoginStep.Completed.class);
            }
        }

        @Test
        @DisplayName(
                "a passkey used on a Windows client 40 days ago (beyond negativeHistoryDuration, within historyWindow): the next Windows Firefox without history may hold it")
        void olderUseOnThePlatform() {
            Bob b = new Bob(AutoHealingPolicy.ofDefaults());
            b.w.advanceDays(2);
            b.w.passkeyLogin(b.bob, firefox1, b.hello);
            b.w.advanceDays(40);

            LoginStep step = b.w.start(b.bob, firefox2);

            assertThat(automatic(step)).isTrue();
            assertThat(b.w.lastStartTags())
                    .contains(
                            DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN.text(),
                            DecisionTag.POSITIVE_HISTORY_ON_PLATFORM.text());
            assertThat(b.w.sign(step, b.hello, "platform")).isInstanceOf(LoginStep.Completed.class);
        }

        @Test
        @DisplayName(
                "near miss: the creating browser came back under its device id (with the password), so a new Windows browser is another device: no such tag")
        void creatingClientCameBack() {
            Bob b = new Bob(AutoHealingPolicy.ofDefaults());
            b.w.advanceDays(2);
            LoginStep back = b.w.passwordInstead(b.w.start(b.bob, firefox1));
            if (back instanceof LoginStep.HealingOffer) {
                b.w.decline(back);
            }
            b.w.advanceDays(5);

            b.w.start(b.bob, firefox2);

            assertThat(b.w.lastStartTags())
                    .doesNotContain(DecisionTag.CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT.text())
                    .contains(DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT.text());
        }

        @Test
        @DisplayName(
                "near miss: a prompt on that platform failed after the creation, so the creation no longer makes a new Windows browser a possible place")
        void failureOnThePlatformAfterCreation() {
            Bob b = new Bob(AutoHealingPolicy.ofDefaults());
            b.w.advanceDays(2);
            LoginStep onSecond = b.w.start(b.bob, firefox2);
            assertThat(b.w.lastStartTags()).contains(DecisionTag.CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT.text());
            LoginStep afterPassword = b.w.password(b.w.dismiss(b.w.dismiss(onSecond, 4_000), 5_000));
            if (afterPassword instanceof LoginStep.HealingOffer) {
                b.w.decline(afterPassword);
            }
            b.w.advanceDays(2);

            b.w.start(b.bob, FlowWorld.client("ff-3", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true));

            assertThat(b.w.lastStartTags())
                    .doesNotContain(DecisionTag.CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT.text())
                    .contains(DecisionTag.USER_HAS_NONE_ON_ENVIRONMENT.text());
        }

        @Test
        @DisplayName(
                "one failed flow since the last success leaves the history uncertain: the sheet at once by default, a button with BUTTON")
        void uncertainHistory() {
            for (UncertainStart setting : UncertainStart.values()) {
                Phone p = new Phone(
                        AutoHealingPolicy.custom().uncertainStart(setting).build(), FlowWorld.iphone("iphone-7"));
                LoginStep afterPassword = p.twoDismissalsAndPassword();
                if (afterPassword instanceof LoginStep.HealingOffer) {
                    p.w.decline(afterPassword);
                }
                p.w.advanceDays(1);

                LoginStep next = p.w.start(p.ann, p.phone);

                assertThat(automatic(next))
                        .as(setting.name())
                        .isEqualTo(setting == UncertainStart.ATTEMPT_AUTOMATICALLY);
                assertThat(p.w.lastStartTags()).contains(DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT.text());
            }
        }
    }
}
