package dev.passkeyflow.core.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.manage.ManagedPasskey;
import dev.passkeyflow.core.manage.ManagementResult;
import dev.passkeyflow.core.manage.PasskeyManagementEvent;
import dev.passkeyflow.core.manage.PasskeyManager;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("PasskeyManager, the passkey settings of a signed-in user")
class PasskeyManagerTest {

    private static final ClientContext LAPTOP = FlowFixture.device("laptop-1");
    private static final ClientContext PHONE = FlowFixture.device("phone-1");

    private final FlowFixture fx = new FlowFixture();
    private final List<PasskeyManagementEvent> events = new ArrayList<>();
    private final PasskeyManager manager = PasskeyManager.builder()
            .rpId("example.com")
            .credentialRepository(fx.credentials)
            .loginAttemptRepository(fx.attempts)
            .loginFlow(fx.flow)
            .providerNames(aaguid -> Optional.of("Test Keychain"))
            .listener(events::add)
            .clock(fx.clock)
            .build();
    private final UserAccount alice = fx.user("alice@example.com");
    private final UserAccount bob = fx.user("bob@example.com");
    private final SoftwareAuthenticator laptop = FlowFixture.authenticator();
    private final SoftwareAuthenticator phone = FlowFixture.authenticator();
    private final Bytes laptopKey = fx.enrolPasskey(alice, laptop, LAPTOP);
    private final Bytes phoneKey = fx.enrolPasskey(alice, phone, PHONE);
    private final Bytes bobKey = fx.enrolPasskey(bob, FlowFixture.authenticator(), LAPTOP);

    private void logIn(SoftwareAuthenticator with, Bytes key, ClientContext on, boolean hybrid) {
        LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", on);
        String response = with.authenticate(challenge.credentialsGetJson(), key.toBase64Url());
        if (hybrid) {
            ObjectNode node = ResponseEdits.read(response);
            node.put("authenticatorAttachment", "cross-platform");
            response = node.toString();
        }
        assertThat(fx.flow.finishPasskey(challenge.flowId(), response)).isInstanceOf(LoginStep.Completed.class);
    }

    @Nested
    @DisplayName("listing")
    class Listing {

        @Test
        @DisplayName("lists the account's passkeys oldest first with provider name, dates, status and sync state")
        void lists() {
            fx.clock.advance(java.time.Duration.ofMinutes(3));
            logIn(laptop, laptopKey, LAPTOP, false);

            List<ManagedPasskey> list = manager.list(alice.userHandle(), "laptop-1");

            assertThat(list).extracting(ManagedPasskey::credentialId).containsExactly(laptopKey, phoneKey);
            ManagedPasskey first = list.get(0);
            assertThat(first.name()).isEqualTo("Test Keychain");
            assertThat(first.providerName()).isEqualTo("Test Keychain");
            assertThat(first.createdAt()).isEqualTo(fx.stored(laptopKey).createdAt());
            assertThat(first.lastUsedAt()).isEqualTo(fx.clock.instant());
            assertThat(first.status()).isEqualTo(CredentialStatus.ACTIVE);
            assertThat(list.get(1).lastUsedAt()).isNull();
        }

        @Test
        @DisplayName(
                "'on this device' follows the evidence: created or used here locally, not a hybrid use, not after a failure here")
        void onThisDevice() {
            List<ManagedPasskey> fresh = manager.list(alice.userHandle(), "laptop-1");
            assertThat(fresh.get(0).onThisDevice()).isTrue();
            assertThat(fresh.get(0).evidence())
                    .extracting(ManagedPasskey.Evidence::kind)
                    .contains(ManagedPasskey.Kind.CREATED_ON_THIS_DEVICE);
            assertThat(fresh.get(1).onThisDevice()).isFalse();

            logIn(phone, phoneKey, LAPTOP, true);
            ManagedPasskey phoneOnLaptop =
                    manager.list(alice.userHandle(), "laptop-1").get(1);
            assertThat(phoneOnLaptop.onThisDevice()).isFalse();
            assertThat(phoneOnLaptop.evidence())
                    .extracting(ManagedPasskey.Evidence::kind)
                    .contains(ManagedPasskey.Kind.USED_FROM_ANOTHER_DEVICE_HERE);

            LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", LAPTOP);
            fx.flow.reportClientError(challenge.flowId(), "NotAllowedError", null, 300);
            ManagedPasskey laptopAfterFailure =
                    manager.list(alice.userHandle(), "laptop-1").get(0);
            assertThat(laptopAfterFailure.onThisDevice()).isFalse();
            assertThat(laptopAfterFailure.evidence())
                    .extracting(ManagedPasskey.Evidence::kind)
                    .contains(ManagedPasskey.Kind.FAILED_ON_THIS_DEVICE);

            assertThat(manager.list(alice.userHandle(), null)).noneMatch(ManagedPasskey::onThisDevice);
        }

        @Test
        @DisplayName("a retired passkey is listed as retired, with that evidence, and never on this device")
        void retiredListed() {
            manager.retire(alice.userHandle(), laptopKey);

            ManagedPasskey retired =
                    manager.list(alice.userHandle(), "laptop-1").get(0);
            assertThat(retired.status()).isEqualTo(CredentialStatus.RETIRED);
            assertThat(retired.onThisDevice()).isFalse();
            assertThat(retired.evidence())
                    .extracting(ManagedPasskey.Evidence::kind)
                    .contains(ManagedPasskey.Kind.RETIRED);
        }
    }

    @Nested
    @DisplayName("renaming")
    class Renaming {

        @Test
        @DisplayName("a rename is stored trimmed, published, and the nickname becomes the name")
        void renames() {
            ManagementResult result = manager.rename(alice.userHandle(), laptopKey, "  Work laptop  ");

            assertThat(result)
                    .isInstanceOfSatisfying(
                            ManagementResult.Renamed.class,
                            r -> assertThat(r.passkey().name()).isEqualTo("Work laptop"));
            assertThat(fx.stored(laptopKey).nickname()).isEqualTo("Work laptop");
            assertThat(events)
                    .singleElement()
                    .isInstanceOfSatisfying(
                            PasskeyManagementEvent.PasskeyRenamed.class,
                            e -> assertThat(e.nickname()).isEqualTo("Work laptop"));
            manager.rename(alice.userHandle(), laptopKey, null);
            assertThat(manager.list(alice.userHandle(), null).get(0).name()).isEqualTo("Test Keychain");
        }

        @Test
        @DisplayName("blank, over-long or control-character names are refused and nothing changes")
        void invalidNames() {
            assertThat(manager.rename(alice.userHandle(), laptopKey, "   "))
                    .isInstanceOf(ManagementResult.InvalidName.class);
            assertThat(manager.rename(alice.userHandle(), laptopKey, "x".repeat(65)))
                    .isInstanceOf(ManagementResult.InvalidName.class);
            assertThat(manager.rename(alice.userHandle(), laptopKey, "a\nb"))
                    .isInstanceOf(ManagementResult.InvalidName.class);
            assertThat(fx.stored(laptopKey).nickname()).isNull();
            assertThat(events).isEmpty();
        }

        @Test
        @DisplayName("another account's passkey is answered like an unknown one and left alone")
        void othersPasskey() {
            assertThat(manager.rename(alice.userHandle(), bobKey, "mine now"))
                    .isEqualTo(new ManagementResult.NotFound(bobKey));
            assertThat(manager.delete(alice.userHandle(), bobKey)).isEqualTo(new ManagementResult.NotFound(bobKey));
            assertThat(manager.retire(alice.userHandle(), bobKey)).isEqualTo(new ManagementResult.NotFound(bobKey));
            assertThat(fx.stored(bobKey).nickname()).isNull();
            assertThat(fx.stored(bobKey).status()).isEqualTo(CredentialStatus.ACTIVE);
            assertThat(events).isEmpty();
        }
    }

    @Nested
    @DisplayName("deleting and retiring")
    class Removing {

        @Test
        @DisplayName(
                "a deletion signals the full remaining list and the deleted id as unknown; the passkey never logs in again")
        void delete() {
            ManagementResult result = manager.delete(alice.userHandle(), laptopKey);

            assertThat(result).isInstanceOfSatisfying(ManagementResult.Removed.class, r -> {
                assertThat(r.retired()).isFalse();
                assertThat(r.signals())
                        .containsExactly(
                                new ClientSignal.AllAcceptedCredentials(
                                        "example.com",
                                        alice.userHandle().toBase64Url(),
                                        List.of(phoneKey.toBase64Url())),
                                new ClientSignal.UnknownCredential("example.com", laptopKey.toBase64Url()));
            });
            assertThat(fx.credentials.findCredential(laptopKey)).isEmpty();
            assertThat(events).singleElement().isInstanceOf(PasskeyManagementEvent.PasskeyDeleted.class);

            LoginStep.PasskeyChallenge autofill = (LoginStep.PasskeyChallenge) fx.flow.startUsernameless(LAPTOP);
            LoginStep step = fx.flow.finishPasskey(
                    autofill.flowId(), laptop.authenticate(autofill.credentialsGetJson(), laptopKey.toBase64Url()));
            assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        }

        @Test
        @DisplayName(
                "a retirement signals the remaining list but never 'unknown' (the server still knows it); retiring twice is reported")
        void retire() {
            ManagementResult result = manager.retire(alice.userHandle(), laptopKey);

            assertThat(result).isInstanceOfSatisfying(ManagementResult.Removed.class, r -> {
                assertThat(r.retired()).isTrue();
                assertThat(r.signals())
                        .containsExactly(new ClientSignal.AllAcceptedCredentials(
                                "example.com", alice.userHandle().toBase64Url(), List.of(phoneKey.toBase64Url())));
            });
            assertThat(fx.stored(laptopKey).status()).isEqualTo(CredentialStatus.RETIRED);
            assertThat(manager.retire(alice.userHandle(), laptopKey))
                    .isEqualTo(new ManagementResult.AlreadyRetired(laptopKey));
        }
    }

    @Nested
    @DisplayName("adding and profile changes")
    class Adding {

        @Test
        @DisplayName("adding runs an enrolment that completes ENROLLED, not as healing")
        void add() {
            LoginStep step = manager.add(alice, LAPTOP);

            LoginStep.HealingOffer offer = (LoginStep.HealingOffer) step;
            assertThat(offer.kind()).isEqualTo(HealingKind.ENROLMENT);
            LoginStep done = fx.flow.finishHealing(
                    offer.flowId(), FlowFixture.authenticator().register(offer.credentialsCreateJson()));
            assertThat(((LoginStep.Completed) done).healing()).isEqualTo(HealingResult.ENROLLED);
            assertThat(manager.list(alice.userHandle(), null)).hasSize(3);
            assertThat(events).singleElement().isInstanceOf(PasskeyManagementEvent.PasskeyAddStarted.class);
        }

        @Test
        @DisplayName("a profile change is stored and gives signalCurrentUserDetails")
        void profile() {
            UserAccount renamed = new UserAccount(alice.userHandle(), "alice.new@example.com", "Alice New");

            ClientSignal signal = manager.profileChanged(renamed);

            assertThat(signal)
                    .isEqualTo(new ClientSignal.CurrentUserDetails(
                            "example.com", alice.userHandle().toBase64Url(), "alice.new@example.com", "Alice New"));
            assertThat(fx.credentials.findUserByHandle(alice.userHandle())).contains(renamed);
        }

        @Test
        @DisplayName("the builder names a missing setting, and add without a login flow is refused")
        void builder() {
            assertThatIllegalStateException()
                    .isThrownBy(
                            () -> PasskeyManager.builder().rpId("example.com").build())
                    .withMessageContaining("credentialRepository");
            PasskeyManager bare = PasskeyManager.builder()
                    .rpId("example.com")
                    .credentialRepository(fx.credentials)
                    .build();
            assertThatIllegalStateException().isThrownBy(() -> bare.add(alice, LAPTOP));
            assertThat(bare.list(alice.userHandle(), "laptop-1").get(0).name()).isEqualTo("Passkey");
        }
    }
}
