package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The seven failing cases of issue #13, each through a real {@code LoginFlow} advised by
 * PasskeyIntelligence, with the browser behaving as real Safari and Chrome do: when no passkey is on
 * the device they show a sheet ("use a passkey from another device", a QR code) and reject with
 * {@code NotAllowedError} only when the person dismisses it, seconds later, exactly like a cancel.
 */
@DisplayName("PasskeyIntelligence in a LoginFlow, with real-browser behaviour")
class RealBrowserCasesTest {

    private final FlowWorld w = new FlowWorld();

    @Nested
    @DisplayName("1. a deleted passkey whose failure is slow")
    class DeletedSlow {

        private UserAccount ann;
        private ClientContext phone;
        private SoftwareAuthenticator keychain;

        /** Ann's iCloud passkey, created on her iPhone and used there once; returns its credential id. */
        private Bytes usedOnceOnIphone() {
            ann = w.user("ann@example.com");
            phone = FlowWorld.iphone("iphone-1");
            keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            Bytes id = w.enrol(ann, keychain, phone);
            w.passkeyLogin(ann, phone, keychain);
            return id;
        }

        @Test
        @DisplayName("two dismissed sheets after 4 s and a good password lead to an offer that heals the passkey")
        void offerAfterSlowFailures() {
            Bytes old = usedOnceOnIphone();
            w.advanceDays(3);
            keychain.lose(old.toBase64Url());

            LoginStep first = w.start(ann, phone);
            assertThat(first)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            LoginStep retry = w.dismiss(first, 4_000);
            assertThat(retry)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.calmRetry()).isTrue());
            LoginStep fallback = w.dismiss(retry, 4_000);
            assertThat(fallback)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.reason()).isEqualTo(FallbackReason.PASSKEY_FAILED));

            LoginStep offer = w.password(fallback);

            assertThat(offer).isInstanceOfSatisfying(LoginStep.HealingOffer.class, o -> {
                assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR);
                assertThat(o.diagnosis().cause()).isEqualTo(FailureCause.PASSKEY_DELETED_LOCALLY);
            });
            LoginStep healed = w.create(offer, keychain);
            assertThat(healed)
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.HEALED));
            assertThat(w.stored(old).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            w.passkeyLogin(ann, phone, keychain);
        }

        @Test
        @DisplayName(
                "near miss: when the passkey was there after all, the browser's InvalidStateError is learnt and the next double cancel gets no offer")
        void invalidStateErrorIsLearnt() {
            usedOnceOnIphone();

            LoginStep offer = w.password(w.dismiss(w.dismiss(w.start(ann, phone), 5_000), 6_000));
            assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
            assertThat(w.alreadyExists(offer))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.ALREADY_EXISTED));
            w.advanceDays(2);

            LoginStep next = w.start(ann, phone);
            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.password(w.dismiss(w.dismiss(next, 5_000), 6_000)))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
        }

        @Test
        @DisplayName(
                "a passkey login after the InvalidStateError spends its proof: when the passkey is deleted later, the first fallback gets the offer again")
        void proofSpentByLaterLogin() {
            Bytes old = usedOnceOnIphone();
            w.alreadyExists(w.password(w.dismiss(w.dismiss(w.start(ann, phone), 5_000), 6_000)));
            w.advanceDays(2);
            w.passkeyLogin(ann, phone, keychain);
            w.advanceDays(3);
            keychain.lose(old.toBase64Url());

            LoginStep offer = w.password(w.dismiss(w.dismiss(w.start(ann, phone), 4_000), 5_000));

            assertThat(offer)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
            assertThat(w.create(offer, keychain))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.HEALED));
        }
    }

    @Nested
    @DisplayName("2. a working passkey cancelled quickly")
    class FastCancel {

        private UserAccount ann;
        private ClientContext phone;
        private SoftwareAuthenticator keychain;

        private void workedThreeTimes() {
            ann = w.user("ann@example.com");
            phone = FlowWorld.iphone("iphone-1");
            keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            w.enrol(ann, keychain, phone);
            for (int i = 0; i < 3; i++) {
                w.advanceDays(2);
                w.passkeyLogin(ann, phone, keychain);
            }
        }

        @Test
        @DisplayName("a cancel in 0.7 s gets a calm retry, which signs the user in without any offer")
        void calmRetry() {
            workedThreeTimes();
            LoginStep retry = w.dismiss(w.start(ann, phone), 700);

            assertThat(retry).isInstanceOfSatisfying(LoginStep.PasskeyChallenge.class, c -> {
                assertThat(c.calmRetry()).isTrue();
                assertThat(c.attempt()).isEqualTo(2);
            });
            assertThat(w.sign(retry, keychain, "platform")).isInstanceOfSatisfying(LoginStep.Completed.class, d -> {
                assertThat(d.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED);
            });
        }

        @Test
        @DisplayName(
                "one fast failure leaves no negative history: after the password, no offer, and the next login starts the passkey again")
        void noNegativeHistory() {
            workedThreeTimes();
            LoginStep retry = w.dismiss(w.start(ann, phone), 700);

            assertThat(w.passwordInstead(retry))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
            w.advanceDays(1);
            assertThat(w.start(ann, phone))
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
        }

        @Test
        @DisplayName(
                "two prompts dismissed in under a second, no offer answered: the next login starts the passkey again (uncertain history), not the password form")
        void twoFastCancelsWithoutProbe() {
            workedThreeTimes();
            LoginStep fallback = w.dismiss(w.dismiss(w.start(ann, phone), 400), 650);
            LoginStep afterPassword = w.password(fallback);
            if (afterPassword instanceof LoginStep.HealingOffer) {
                afterPassword = w.decline(afterPassword);
            }
            assertThat(afterPassword).isInstanceOf(LoginStep.Completed.class);
            w.advanceDays(1);

            assertThat(w.start(ann, phone))
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.lastStartTags()).contains(DecisionTag.UNCERTAIN_HISTORY_ON_ENVIRONMENT.text());
        }

        @Test
        @DisplayName(
                "prompts dismissed in two flows in a row and the offers declined: the next login shows a passkey button, not 30 days of the password form")
        void twoFailedFlowsLeaveAButton() {
            workedThreeTimes();
            for (int flow = 0; flow < 2; flow++) {
                LoginStep afterPassword = w.password(w.dismiss(w.dismiss(w.start(ann, phone), 3_000), 4_000));
                if (afterPassword instanceof LoginStep.HealingOffer) {
                    afterPassword = w.decline(afterPassword);
                }
                assertThat(afterPassword).isInstanceOf(LoginStep.Completed.class);
                w.advanceDays(1);
            }

            LoginStep next = w.start(ann, phone);
            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isFalse());
            assertThat(w.lastStartTags()).contains(DecisionTag.NEGATIVE_HISTORY_ON_ENVIRONMENT.text());
            assertThat(w.sign(next, keychain, "platform"))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.method()).isEqualTo(AuthenticationMethod.PASSKEY));
        }
    }

    @Nested
    @DisplayName("3. a browser that deletes its cookies on exit")
    class CookieClearing {

        @Test
        @DisplayName(
                "an offer answered with InvalidStateError is learnt: later logins on that platform start the passkey and get no offer")
        void learnsFromInvalidStateError() {
            UserAccount bob = w.user("bob@example.com");
            SoftwareAuthenticator hello = FlowWorld.authenticator(FlowWorld.WINDOWS_HELLO, false);
            w.enrol(bob, hello, FlowWorld.client("ff-1", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true));
            w.advanceDays(5);

            LoginStep first = w.start(bob, FlowWorld.client("ff-2", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true));
            LoginStep offer = w.passwordInstead(first);
            assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
            assertThat(w.alreadyExists(offer)).isInstanceOf(LoginStep.Completed.class);
            w.advanceDays(9);

            ClientContext third = FlowWorld.client("ff-3", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true);
            LoginStep next = w.start(bob, third);
            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.passwordInstead(next))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
        }

        @Test
        @DisplayName(
                "offers are counted per account: a new device id each time does not escape the three-in-a-row pause")
        void offersCountedPerAccount() {
            UserAccount bob = w.user("bob@example.com");
            List<Boolean> offered = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                w.advanceDays(8);
                ClientContext fresh = FlowWorld.client("ff-" + i, FlowWorld.UA_WINDOWS_FIREFOX, null, true, true);
                LoginStep step = w.password(w.start(bob, fresh));
                offered.add(step instanceof LoginStep.HealingOffer);
                if (step instanceof LoginStep.HealingOffer) {
                    w.decline(step);
                }
            }
            assertThat(offered).containsExactly(true, true, true, false, false, false);
        }
    }

    @Nested
    @DisplayName("4. Google Password Manager on desktop Chrome")
    class GooglePasswordManagerOnDesktop {

        @Test
        @DisplayName("a passkey created on Android is likely available in Chrome on Windows: automatic start, no offer")
        void likelyOnDesktopChrome() {
            UserAccount cat = w.user("cat@example.com");
            SoftwareAuthenticator gpmPhone = FlowWorld.authenticator(FlowWorld.GOOGLE, true);
            w.enrol(cat, gpmPhone, FlowWorld.client("pixel-1", FlowWorld.UA_ANDROID, "Android", true, true));
            SoftwareAuthenticator gpmDesktop = FlowWorld.authenticator(FlowWorld.GOOGLE, true);
            gpmPhone.copyAllTo(gpmDesktop);
            ClientContext desktop = FlowWorld.client("win-chrome", FlowWorld.UA_WINDOWS_CHROME, "Windows", true, true);

            LoginStep step = w.start(cat, desktop);

            assertThat(step)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.sign(step, gpmDesktop, "platform"))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
        }

        @Test
        @DisplayName(
                "near miss: Firefox on the same PC has no Google Password Manager, so the passkey stays uncertain there")
        void uncertainInFirefox() {
            UserAccount cat = w.user("cat@example.com");
            SoftwareAuthenticator gpmPhone = FlowWorld.authenticator(FlowWorld.GOOGLE, true);
            w.enrol(cat, gpmPhone, FlowWorld.client("pixel-1", FlowWorld.UA_ANDROID, "Android", true, true));

            LoginStep step = w.start(cat, FlowWorld.client("win-ff", FlowWorld.UA_WINDOWS_FIREFOX, null, true, true));

            // Uncertain, not likely: the start follows uncertainStart (at once by default), not the
            // high-confidence rule that desktop Chrome gets.
            assertThat(step)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.lastStartTags())
                    .contains(DecisionTag.PASSKEY_AVAILABILITY_UNCERTAIN.text())
                    .doesNotContain(DecisionTag.HIGH_CONFIDENCE_PLATFORM_PASSKEY.text());
        }
    }

    @Nested
    @DisplayName("5. hybrid (QR code) logins")
    class Hybrid {

        @Test
        @DisplayName(
                "a hybrid success on a PC without Windows Hello is not local history: no automatic start, and a dismissed QR dialog is not a different cloud account")
        void hybridIsNotLocal() {
            UserAccount dan = w.user("dan@example.com");
            SoftwareAuthenticator phoneKeychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            w.enrol(dan, phoneKeychain, FlowWorld.iphone("iphone-1"));
            ClientContext pc = FlowWorld.client("pc-1", FlowWorld.UA_WINDOWS_CHROME, "Windows", false, true);

            LoginStep button = w.start(dan, pc);
            assertThat(button)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isFalse());
            assertThat(w.sign(button, phoneKeychain, "cross-platform")).isInstanceOf(LoginStep.Completed.class);
            assertThat(w.history(dan))
                    .filteredOn(a -> a.outcome() == AttemptOutcome.SUCCEEDED)
                    .first()
                    .satisfies(a -> assertThat(a.authenticatorAttachment()).isEqualTo("cross-platform"));
            w.advanceDays(3);

            LoginStep later = w.start(dan, pc);
            assertThat(later)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isFalse());
            w.dismiss(later, 9_000);
            assertThat(w.events)
                    .filteredOn(LoginFlowEvent.PasskeyAttemptFailed.class::isInstance)
                    .map(e -> ((LoginFlowEvent.PasskeyAttemptFailed) e)
                            .diagnosis()
                            .cause())
                    .doesNotContain(FailureCause.DIFFERENT_CLOUD_ACCOUNT);
        }

        @Test
        @DisplayName("after a hybrid login on a PC that can create a passkey, a local one is offered and then used")
        void afterHybridOffer() {
            UserAccount dan = w.user("dan@example.com");
            SoftwareAuthenticator phoneKeychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            w.enrol(dan, phoneKeychain, FlowWorld.iphone("iphone-1"));
            ClientContext pc = FlowWorld.client("pc-2", FlowWorld.UA_WINDOWS_CHROME, "Windows", true, true);
            SoftwareAuthenticator hello = FlowWorld.authenticator(FlowWorld.WINDOWS_HELLO, false);

            LoginStep offer = w.sign(w.start(dan, pc), phoneKeychain, "cross-platform");

            assertThat(offer)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_HYBRID));
            assertThat(w.create(offer, hello)).isInstanceOfSatisfying(LoginStep.Completed.class, d -> {
                assertThat(d.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(d.healing()).isEqualTo(HealingResult.HEALED);
            });
            w.advanceDays(1);
            LoginStep next = w.start(dan, pc);
            assertThat(next)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.sign(next, hello, "platform")).isInstanceOf(LoginStep.Completed.class);
        }
    }

    @Nested
    @DisplayName("6. nagging")
    class Nagging {

        @Test
        @DisplayName(
                "someone who logs in every one to four weeks and always says not now gets three offers, then a 30-day pause")
        void pauseAfterThreeUnanswered() {
            UserAccount eve = w.user("eve@example.com");
            ClientContext mac = FlowWorld.client("mac-1", FlowWorld.UA_MAC_SAFARI, null, true, true);
            long[] gaps = {9, 25, 14, 28, 7, 21, 12, 27, 8, 16, 23, 10, 28, 15, 9, 26, 13, 20, 7, 24, 18};
            List<java.time.Instant> offers = new ArrayList<>();
            for (long gap : gaps) {
                w.advanceDays(gap);
                LoginStep step = w.password(w.start(eve, mac));
                if (step instanceof LoginStep.HealingOffer offer) {
                    assertThat(offer.kind()).isEqualTo(HealingKind.FIRST_PASSKEY);
                    offers.add(w.clock.instant());
                    w.decline(step);
                }
            }
            assertThat(offers).as("three offers, then at most one per 30 days").hasSizeBetween(4, gaps.length - 1);
            for (int i = 3; i < offers.size(); i++) {
                assertThat(java.time.Duration.between(offers.get(i - 1), offers.get(i)))
                        .as("offer %d comes at least 30 days after the previous unanswered one", i + 1)
                        .isGreaterThanOrEqualTo(java.time.Duration.ofDays(30));
            }
        }

        @Test
        @DisplayName(
                "a not-now to the after-error offer on the Mac does not hold back the after-error offer when the passkey fails on the iPhone two days later")
        void afterErrorOfferPerDevice() {
            UserAccount ann = w.user("ann@example.com");
            ClientContext mac = FlowWorld.client("mac-1", FlowWorld.UA_MAC_SAFARI, null, true, true);
            ClientContext phone = FlowWorld.iphone("iphone-1");
            SoftwareAuthenticator keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            w.enrol(ann, keychain, phone);
            w.passkeyLogin(ann, phone, keychain);
            w.passkeyLogin(ann, mac, keychain);
            w.advanceDays(3);

            // The passkey is gone from iCloud Keychain: both devices dismiss sheets that cannot succeed.
            LoginStep onMac = w.password(w.dismiss(w.dismiss(w.start(ann, mac), 5_000), 6_000));
            assertThat(onMac).isInstanceOf(LoginStep.HealingOffer.class);
            w.decline(onMac);
            w.advanceDays(2);

            LoginStep onPhone = w.password(w.dismiss(w.dismiss(w.start(ann, phone), 4_000), 7_000));

            assertThat(onPhone)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
        }

        @Test
        @DisplayName(
                "a declined additional-passkey offer on a PC does not hold back the after-error offer for a broken passkey on the phone")
        void separateCounters() {
            UserAccount eve = w.user("eve@example.com");
            ClientContext phone = FlowWorld.iphone("iphone-1");
            SoftwareAuthenticator keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            Bytes id = w.enrol(eve, keychain, phone);
            w.passkeyLogin(eve, phone, keychain);
            ClientContext pc = FlowWorld.client("pc-1", FlowWorld.UA_WINDOWS_FIREFOX, null, true, false);
            w.advanceDays(8);
            LoginStep additional = w.password(w.start(eve, pc));
            assertThat(additional)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.ADDITIONAL_PASSKEY));
            w.decline(additional);

            keychain.lose(id.toBase64Url());
            w.advanceDays(1);
            LoginStep offer = w.password(w.dismiss(w.dismiss(w.start(eve, phone), 3_000), 3_000));
            assertThat(offer)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
        }

        @Test
        @DisplayName(
                "unanswered offers of every kind count together for the account: after three in a row, none for 30 days, after-error ones included")
        void accountWidePause() {
            UserAccount eve = w.user("eve@example.com");
            ClientContext phone = FlowWorld.iphone("iphone-1");
            SoftwareAuthenticator keychain = FlowWorld.authenticator(FlowWorld.ICLOUD, true);
            Bytes id = w.enrol(eve, keychain, phone);
            w.passkeyLogin(eve, phone, keychain);
            ClientContext pc = FlowWorld.client("pc-1", FlowWorld.UA_WINDOWS_FIREFOX, null, true, false);
            for (int i = 0; i < 2; i++) {
                w.advanceDays(8);
                LoginStep additional = w.password(w.start(eve, pc));
                assertThat(additional)
                        .isInstanceOfSatisfying(
                                LoginStep.HealingOffer.class,
                                o -> assertThat(o.kind()).isEqualTo(HealingKind.ADDITIONAL_PASSKEY));
                w.decline(additional);
            }
            keychain.lose(id.toBase64Url());
            w.advanceDays(1);
            LoginStep afterError = w.password(w.dismiss(w.dismiss(w.start(eve, phone), 3_000), 3_000));
            assertThat(afterError)
                    .isInstanceOfSatisfying(
                            LoginStep.HealingOffer.class,
                            o -> assertThat(o.kind()).isEqualTo(HealingKind.AFTER_ERROR));
            w.decline(afterError);

            w.advanceDays(8);
            assertThat(w.password(w.start(eve, pc)))
                    .as("a plain offer, the third unanswered offer 8 days ago")
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
            w.advanceDays(14);
            assertThat(w.password(w.dismiss(w.dismiss(w.start(eve, phone), 3_000), 3_000)))
                    .as("an after-error offer 22 days after the third")
                    .isInstanceOf(LoginStep.Completed.class);
            w.advanceDays(9);
            assertThat(w.password(w.start(eve, pc)))
                    .as("31 days after the third unanswered offer")
                    .isInstanceOf(LoginStep.HealingOffer.class);
        }

        @Test
        @DisplayName(
                "a shared computer counts unanswered offers of all its accounts: after three in a row, none there for 30 days")
        void deviceWidePause() {
            UserAccount ann = w.user("ann@example.com");
            UserAccount ben = w.user("ben@example.com");
            ClientContext mac = FlowWorld.client("mac-family", FlowWorld.UA_MAC_SAFARI, null, true, true);
            List<UserAccount> turns = List.of(ann, ben, ann);
            for (UserAccount who : turns) {
                w.advanceDays(8);
                LoginStep offer = w.password(w.start(who, mac));
                assertThat(offer)
                        .isInstanceOfSatisfying(
                                LoginStep.HealingOffer.class,
                                o -> assertThat(o.kind()).isEqualTo(HealingKind.FIRST_PASSKEY));
                w.decline(offer);
            }
            w.advanceDays(8);
            assertThat(w.password(w.start(ben, mac)))
                    .as("ben declined once, but this computer three times in a row")
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.healing()).isEqualTo(HealingResult.NOT_OFFERED));
            assertThat(w.password(w.start(ben, FlowWorld.iphone("ben-iphone"))))
                    .as("on ben's own phone")
                    .isInstanceOf(LoginStep.HealingOffer.class);
        }
    }

    @Nested
    @DisplayName("7. a security key only")
    class SecurityKey {

        @Test
        @DisplayName(
                "a computer without platform authenticator and hybrid gets a button, and the password step has a way back to the key")
        void buttonAndWayBack() {
            UserAccount fay = w.user("fay@example.com");
            SoftwareAuthenticator yubikey = FlowWorld.authenticator(FlowWorld.YUBIKEY, false, "usb", "nfc");
            ClientContext desktop = FlowWorld.client("linux-1", FlowWorld.UA_LINUX_FIREFOX, "Linux", false, false);
            w.enrol(fay, yubikey, desktop);
            w.advanceDays(2);

            LoginStep button = w.start(fay, desktop);
            assertThat(button)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isFalse());
            assertThat(w.lastStartTags()).contains("security-key-possible");

            LoginStep passwordStep = w.flow.chooseFallback(button.flowId());
            assertThat(passwordStep)
                    .isInstanceOfSatisfying(
                            LoginStep.FallbackRequired.class,
                            f -> assertThat(f.passkeyAlternative()).isTrue());
            LoginStep again = w.flow.retryPasskey(passwordStep.flowId());
            assertThat(again)
                    .isInstanceOfSatisfying(
                            LoginStep.PasskeyChallenge.class,
                            c -> assertThat(c.autoStart()).isTrue());
            assertThat(w.sign(again, yubikey, "cross-platform"))
                    .isInstanceOfSatisfying(
                            LoginStep.Completed.class,
                            d -> assertThat(d.method()).isEqualTo(AuthenticationMethod.PASSKEY));
        }
    }
}
