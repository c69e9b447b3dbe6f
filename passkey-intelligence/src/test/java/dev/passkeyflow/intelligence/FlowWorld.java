package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A real {@link LoginFlow} advised by {@link PasskeyIntelligence}, on in-memory storage with an
 * injected clock, driven like a browser: the helpers report what a real browser reports (errors with
 * the time the person needed to dismiss a sheet, the {@code authenticatorAttachment} of a response).
 */
final class FlowWorld {

    static final String ORIGIN = "https://example.com";
    static final UUID ICLOUD = UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
    static final UUID GOOGLE = UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4");
    static final UUID WINDOWS_HELLO = UUID.fromString("08987058-cadc-4b81-b6e1-30de50dcbe96");
    static final UUID YUBIKEY = UUID.fromString("fa2b99dc-9e39-4257-8f92-4a30d23c4118");

    static final String UA_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    static final String UA_ANDROID = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";
    static final String UA_WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    static final String UA_WINDOWS_FIREFOX =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 " + "Firefox/140.0";
    static final String UA_MAC_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Safari/605.1.15";
    static final String UA_LINUX_FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
    final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    final List<LoginFlowEvent> events = new CopyOnWriteArrayList<>();
    final LoginFlow flow;

    FlowWorld() {
        this(AutoHealingPolicy.ofDefaults());
    }

    FlowWorld(AutoHealingPolicy policy) {
        PasskeyIntelligence intelligence = PasskeyIntelligence.builder()
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .policy(policy)
                .build();
        this.flow = LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(new InMemoryFlowStateRepository(clock))
                .advisor(intelligence)
                .clock(clock)
                .listener(events::add)
                .build();
    }

    UserAccount user(String identifier) {
        UserAccount account = new UserAccount(
                Bytes.of(("uh-" + identifier).getBytes(StandardCharsets.UTF_8)), identifier, identifier);
        credentials.saveUser(account);
        return account;
    }

    static ClientContext client(
            String deviceId, String userAgent, @Nullable String platformHint, boolean platform, boolean hybrid) {
        Map<String, Boolean> capabilities = new LinkedHashMap<>();
        capabilities.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, platform);
        capabilities.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, platform);
        capabilities.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, hybrid);
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(userAgent)
                .hints(platformHint == null ? ClientHints.none() : new ClientHints(platformHint, null, null))
                .capabilities(capabilities)
                .userVerifyingPlatformAuthenticator(platform)
                .build();
    }

    static ClientContext iphone(String deviceId) {
        return client(deviceId, UA_IPHONE, null, true, true);
    }

    static SoftwareAuthenticator authenticator(UUID aaguid, boolean synced, String... transports) {
        SoftwareAuthenticator.Builder b =
                SoftwareAuthenticator.builder().origin(ORIGIN).aaguid(aaguid);
        if (synced) {
            b.syncedPasskey();
        }
        if (transports.length > 0) {
            b.transports(transports);
        }
        return b.build();
    }

    /** Adds a passkey through the host-session enrolment, as right after sign-up on {@code client} (ENROLLED, not healing). */
    Bytes enrol(UserAccount user, SoftwareAuthenticator authenticator, ClientContext client) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(user.identifier(), client);
        LoginStep done = flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
        assertThat(done)
                .isInstanceOfSatisfying(
                        LoginStep.Completed.class, c -> assertThat(c.healing()).isEqualTo(HealingResult.ENROLLED));
        return ((LoginStep.Completed) done).newCredentialId();
    }

    LoginStep start(UserAccount user, ClientContext client) {
        clock.advance(Duration.ofSeconds(1));
        return flow.start(user.identifier(), client);
    }

    /** Answers a challenge with the authenticator, as the browser reports it (attachment included). */
    LoginStep sign(LoginStep step, SoftwareAuthenticator authenticator, String attachment) {
        assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) step;
        clock.advance(Duration.ofSeconds(3));
        String json = authenticator.authenticate(challenge.credentialsGetJson());
        if (!"platform".equals(attachment)) {
            json = json.replace(
                    "\"authenticatorAttachment\":\"platform\"", "\"authenticatorAttachment\":\"" + attachment + "\"");
        }
        return flow.finishPasskey(challenge.flowId(), json);
    }

    /** A successful passkey login from start to completion on a device whose authenticator holds the passkey. */
    void passkeyLogin(UserAccount user, ClientContext client, SoftwareAuthenticator authenticator) {
        LoginStep done = sign(start(user, client), authenticator, "platform");
        assertThat(done).isInstanceOf(LoginStep.Completed.class);
    }

    /** The browser's get() rejected after the person needed {@code elapsedMillis} to dismiss its sheet. */
    LoginStep dismiss(LoginStep step, long elapsedMillis) {
        assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        clock.advance(Duration.ofMillis(elapsedMillis));
        return flow.reportClientError(
                step.flowId(),
                "NotAllowedError",
                "The operation either timed out or was not " + "allowed.",
                elapsedMillis);
    }

    /** The host verified the password. */
    LoginStep password(LoginStep step) {
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        clock.advance(Duration.ofSeconds(8));
        return flow.fallbackSucceeded(step.flowId());
    }

    /** The user skipped the passkey (button not clicked, or "use password instead") and typed the password. */
    LoginStep passwordInstead(LoginStep step) {
        return password(flow.chooseFallback(step.flowId()));
    }

    /** The browser answered the creation offer with InvalidStateError: an excluded passkey is on this authenticator. */
    LoginStep alreadyExists(LoginStep offer) {
        assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
        clock.advance(Duration.ofSeconds(2));
        return flow.reportHealingError(offer.flowId(), "InvalidStateError", null, 1500);
    }

    LoginStep decline(LoginStep offer) {
        assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
        return flow.declineHealing(offer.flowId());
    }

    LoginStep create(LoginStep offer, SoftwareAuthenticator authenticator) {
        assertThat(offer).isInstanceOf(LoginStep.HealingOffer.class);
        clock.advance(Duration.ofSeconds(4));
        return flow.finishHealing(
                offer.flowId(), authenticator.register(((LoginStep.HealingOffer) offer).credentialsCreateJson()));
    }

    StoredCredential stored(Bytes id) {
        return credentials.findCredential(id).orElseThrow();
    }

    List<LoginAttempt> history(UserAccount user) {
        return attempts.recentByUser(user.userHandle(), Instant.EPOCH, 1000);
    }

    long count(UserAccount user, AttemptOutcome outcome) {
        return history(user).stream().filter(a -> a.outcome() == outcome).count();
    }

    /** The start decision's tags of the newest flow. */
    List<String> lastStartTags() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i) instanceof LoginFlowEvent.FlowStarted started) {
                return started.decision().tagTexts();
            }
        }
        throw new AssertionError("no flow started");
    }

    void advanceDays(long days) {
        clock.advance(Duration.ofDays(days));
    }
}
