package dev.passkeyflow.core.scenarios;

import static dev.passkeyflow.core.scenarios.FlowFixture.ORIGIN;
import static dev.passkeyflow.core.scenarios.FlowFixture.device;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.ClientProfile;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole flow (first passkey, passkey login, failed logins, fallback, healing, login with the
 * healed passkey) for every real-client response shape in {@link ClientProfile}.
 */
@DisplayName("LoginFlow with every real-client profile")
class ClientProfilesTest {

    private final ClientContext laptop = device("laptop-1");

    private static FlowFixture fixture() {
        return new FlowFixture(b ->
                b.androidAppOrigin(ClientProfile.ANDROID_APP_ORIGIN).allowedTopOrigin(ClientProfile.EMBEDDING_ORIGIN));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientProfile.class)
    @DisplayName("registers, logs in, falls back after the passkey is lost, heals and logs in again")
    void loginFallbackAndHealing(ClientProfile profile) {
        FlowFixture fx = fixture();
        UserAccount alice = fx.user("alice@example.com");
        SoftwareAuthenticator authenticator = profile.authenticator(ORIGIN);

        Bytes first = fx.enrolPasskey(alice, authenticator, laptop);
        assertThat(first.toBase64Url())
                .isEqualTo(authenticator.credentials().get(0).credentialId());
        assertThat(fx.stored(first).transports()).noneMatch(String::isBlank);

        LoginStep login = fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), authenticator, 900);
        assertThat(login).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
            assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY);
            assertThat(done.userHandle()).isEqualTo(alice.userHandle());
            assertThat(done.signals())
                    .containsExactly(new ClientSignal.AllAcceptedCredentials(
                            FlowFixture.RP_ID,
                            alice.userHandle().toBase64Url(),
                            java.util.List.of(first.toBase64Url())));
        });

        authenticator.loseAll();
        LoginStep.PasskeyChallenge challenge = fx.startExpectingChallenge("alice@example.com", laptop);
        LoginStep retry = fx.answer(challenge, authenticator, 4_000);
        LoginStep fallback =
                retry instanceof LoginStep.PasskeyChallenge again ? fx.answer(again, authenticator, 4_000) : retry;
        assertThat(fallback).isInstanceOf(LoginStep.FallbackRequired.class);

        LoginStep offer = fx.flow.fallbackSucceeded(fallback.flowId());
        assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
        LoginStep healed = fx.flow.finishHealing(
                offer.flowId(), authenticator.register(((LoginStep.HealingOffer) offer).credentialsCreateJson()));
        assertThat(healed).isInstanceOfSatisfying(LoginStep.Completed.class, done -> {
            assertThat(done.healing()).isEqualTo(HealingResult.HEALED);
            assertThat(done.newCredentialId()).isNotNull().isNotEqualTo(first);
        });
        Bytes second = ((LoginStep.Completed) healed).newCredentialId();
        assertThat(fx.stored(first).status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);

        assertThat(fx.answer(fx.startExpectingChallenge("alice@example.com", laptop), authenticator, 900))
                .isInstanceOfSatisfying(
                        LoginStep.Completed.class,
                        done -> assertThat(done.userHandle()).isEqualTo(alice.userHandle()));
        assertThat(fx.stored(second).lastUsedAt()).isNotNull();
    }

    @Test
    @DisplayName("transports are stored as reported, unknown ones included, blank ones dropped")
    void transportsAsReported() {
        Map<ClientProfile, Set<String>> expected = Map.of(
                ClientProfile.UNKNOWN_TRANSPORTS, Set.of("nfc", "smart-card", "usb", "x-future-transport"),
                ClientProfile.FIREFOX_ANDROID_CABLE_TRANSPORT, Set.of("cable", "internal"),
                ClientProfile.SAFARI_BLANK_TRANSPORT, Set.of("internal"),
                ClientProfile.LEGACY_JSON_CLIENT, Set.of());
        expected.forEach((profile, transports) -> {
            FlowFixture fx = fixture();
            UserAccount alice = fx.user("alice@example.com");
            Bytes id = fx.enrolPasskey(alice, profile.authenticator(ORIGIN), laptop);
            StoredCredential stored = fx.stored(id);
            assertThat(stored.transports()).as(profile.name()).containsExactlyInAnyOrderElementsOf(transports);
        });
    }

    @Test
    @DisplayName("every profile cites at least one public field report")
    void profilesCiteSources() {
        for (ClientProfile profile : ClientProfile.values()) {
            assertThat(profile.sources())
                    .as(profile.name())
                    .isNotEmpty()
                    .allMatch(url -> url.startsWith("https://github.com/"));
        }
    }
}
