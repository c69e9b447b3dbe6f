package dev.passkeyflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.AuthenticatorException;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A LoginFlow on in-memory storage driven like a browser with {@link SoftwareAuthenticator}s, and the
 * scripted scenario whose KPIs the tests compute by hand.
 */
final class ScriptedLogins {

    static final String ORIGIN = "https://example.com";

    final MutableClock clock;
    final CredentialRepository credentials;
    final LoginAttemptRepository attempts;
    final FlowStateRepository flows;
    final List<LoginFlowEvent> events = new CopyOnWriteArrayList<>();
    final List<UserAccount> users = new ArrayList<>();
    /** Flows whose {@code fallbackSucceeded} returned a silent offer, as a host would note them. */
    final Set<String> silentOffers = new HashSet<>();

    final LoginFlow flow;

    ScriptedLogins(UnaryOperator<LoginFlow.Builder> customize, UnaryOperator<LoginFlow> wrap) {
        this((self, b) -> customize.apply(b), wrap);
    }

    /** For a customisation that needs this fixture's repositories (e.g. an advisor reading them). */
    ScriptedLogins(
            BiFunction<ScriptedLogins, LoginFlow.Builder, LoginFlow.Builder> customize, UnaryOperator<LoginFlow> wrap) {
        this(new MutableClock(), null, customize, wrap);
    }

    /** On the given storage (made with {@code clock}), or in memory when {@code storage} is null. */
    ScriptedLogins(
            MutableClock clock,
            @Nullable JdbcStorage storage,
            BiFunction<ScriptedLogins, LoginFlow.Builder, LoginFlow.Builder> customize,
            UnaryOperator<LoginFlow> wrap) {
        this.clock = clock;
        this.credentials = storage != null ? storage.credentials() : new InMemoryCredentialRepository();
        this.attempts = storage != null ? storage.attempts() : new InMemoryLoginAttemptRepository(clock);
        this.flows = storage != null ? storage.flows() : new InMemoryFlowStateRepository(clock);
        LoginFlow.Builder builder = LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(flows)
                .advisor(ThresholdLoginAdvisor.ofDefaults())
                .clock(clock)
                .listener(events::add);
        this.flow = wrap.apply(customize.apply(this, builder).build());
    }

    /** A Mac with Touch ID: can create a passkey locally. */
    static ClientContext laptop(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/140.0.0.0 Safari/537.36")
                .hints(new ClientHints("macOS", "15.0.0", false))
                .userVerifyingPlatformAuthenticator(true)
                .build();
    }

    /** A browser that reports no platform authenticator and no hybrid transport: no passkey can work here. */
    static ClientContext kiosk(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(
                        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36")
                .userVerifyingPlatformAuthenticator(false)
                .capabilities(Map.of(ClientContext.CAPABILITY_HYBRID_TRANSPORT, false))
                .build();
    }

    /** A Mac whose browser reports {@code conditionalCreate}: offers after a password login are silent. */
    static ClientContext upgradingLaptop(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/140.0.0.0 Safari/537.36")
                .hints(new ClientHints("macOS", "15.0.0", false))
                .userVerifyingPlatformAuthenticator(true)
                .capabilities(Map.of(ClientContext.CAPABILITY_CONDITIONAL_CREATE, true))
                .build();
    }

    UserAccount user(String identifier) {
        UserAccount account = new UserAccount(
                Bytes.of(("uh-" + identifier).getBytes(StandardCharsets.UTF_8)),
                identifier,
                identifier.toUpperCase(java.util.Locale.ROOT));
        credentials.saveUser(account);
        users.add(account);
        return account;
    }

    /** A signed-in user adds a passkey (an enrolment flow, which the KPIs leave out). */
    void enrol(UserAccount user, SoftwareAuthenticator authenticator, ClientContext client) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(user.identifier(), client);
        assertThat(flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);
    }

    /** Runs get() for a challenge: the response is verified, or the browser's error is reported. */
    LoginStep answer(LoginStep step, SoftwareAuthenticator authenticator, long elapsedMillis) {
        LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) step;
        try {
            String response = authenticator.authenticate(challenge.credentialsGetJson());
            return flow.finishPasskey(challenge.flowId(), response);
        } catch (AuthenticatorException e) {
            return flow.reportClientError(challenge.flowId(), e.domExceptionName(), null, elapsedMillis);
        }
    }

    List<LoginAttempt> allAttempts() {
        List<LoginAttempt> all = new ArrayList<>();
        for (UserAccount user : users) {
            all.addAll(attempts.recentByUser(user.userHandle(), Instant.EPOCH, 1000));
        }
        return all;
    }

    /**
     * The scenario the KPI tests compute by hand; the comment on each flow says what it adds.
     *
     * <pre>
     * flow  who       what happens                                      counts in
     * 1     alice     passkey works (3 s)                               passkey login
     * 2     bob       passkey deleted: 2 cancels, password, heal        after-failure fallback, heal offered/accepted/completed
     * 3     carol     no passkey: password, declines a first passkey    no-passkey fallback, append offered
     * 4     unknown   unknown identifier, wrong password, leaves        no-passkey fallback, not completed
     * 5     dave      kiosk without any authenticator: password         passkey-unavailable fallback
     * 6     alice     chooses the password instead of the passkey        manual fallback, no offer
     * 7     frank     passkey deleted: 2 cancels, password, cancels     after-failure fallback, heal offered/accepted
     *                 the OS dialog of the heal offer
     * </pre>
     */
    void runScenario() {
        ClientContext mac = laptop("device-mac-1");
        UserAccount alice = user("alice@example.com");
        UserAccount bob = user("bob@example.com");
        UserAccount carol = user("carol@example.com");
        UserAccount dave = user("dave@example.com");
        UserAccount frank = user("frank@example.com");
        SoftwareAuthenticator aliceKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        SoftwareAuthenticator bobKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        SoftwareAuthenticator daveKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        SoftwareAuthenticator frankKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        enrol(alice, aliceKey, mac);
        enrol(bob, bobKey, laptop("device-bob"));
        enrol(dave, daveKey, mac);
        enrol(frank, frankKey, laptop("device-frank"));

        // 1: alice signs in with her passkey after 3 seconds.
        LoginStep step = flow.start(alice.identifier(), mac);
        clock.advance(Duration.ofSeconds(3));
        assertThat(answer(step, aliceKey, 900)).isInstanceOf(LoginStep.Completed.class);

        // 2: bob's passkey is gone from his device: two cancels, the password, then a new passkey.
        bobKey.loseAll();
        step = flow.start(bob.identifier(), laptop("device-bob"));
        step = answer(step, bobKey, 2_000);
        assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        step = answer(step, bobKey, 2_000);
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        step = flow.fallbackSucceeded(step.flowId());
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) step;
        assertThat(offer.kind()).isEqualTo(HealingKind.AFTER_ERROR);
        assertThat(flow.finishHealing(offer.flowId(), bobKey.register(offer.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);

        // 3: carol has no passkey: the password, then she declines a first passkey.
        step = flow.start(carol.identifier(), mac);
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        offer = (LoginStep.HealingOffer) flow.fallbackSucceeded(step.flowId());
        assertThat(offer.kind()).isEqualTo(HealingKind.FIRST_PASSKEY);
        assertThat(flow.declineHealing(offer.flowId())).isInstanceOf(LoginStep.Completed.class);

        // 4: an unknown identifier, a wrong password, and the visitor leaves.
        step = flow.start("nobody@example.com", mac);
        assertThat(flow.fallbackFailed(step.flowId())).isInstanceOf(LoginStep.FallbackRequired.class);

        // 5: dave on a kiosk that reports no authenticator at all: the password, no offer.
        step = flow.start(dave.identifier(), kiosk("device-kiosk"));
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        assertThat(flow.fallbackSucceeded(step.flowId())).isInstanceOf(LoginStep.Completed.class);

        // 6: alice chooses the password although her passkey would work.
        step = flow.start(alice.identifier(), mac);
        step = flow.chooseFallback(step.flowId());
        assertThat(flow.fallbackSucceeded(step.flowId())).isInstanceOf(LoginStep.Completed.class);

        // 7: frank's passkey is gone too; he accepts the offer but cancels the OS dialog.
        frankKey.loseAll();
        step = flow.start(frank.identifier(), laptop("device-frank"));
        step = answer(answer(step, frankKey, 2_500), frankKey, 2_500);
        offer = (LoginStep.HealingOffer) flow.fallbackSucceeded(step.flowId());
        assertThat(offer.kind()).isEqualTo(HealingKind.AFTER_ERROR);
        assertThat(flow.reportHealingError(offer.flowId(), "NotAllowedError", null, 4_000))
                .isInstanceOf(LoginStep.Completed.class);
    }

    /** {@code fallbackSucceeded}, noting a silent offer the way a host sees it: in the returned step. */
    LoginStep.HealingOffer passwordThenOffer(String flowId) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.fallbackSucceeded(flowId);
        if (offer.silent()) {
            silentOffers.add(offer.flowId());
        }
        return offer;
    }

    /**
     * Silent upgrades (conditional create); the KPI tests count them by hand.
     *
     * <pre>
     * flow  who    what happens                                            counts in
     * 1     erin   no passkey, browser reports conditionalCreate: password, silent attempted + created, append
     *              the browser creates the passkey without a dialog          offered + completed
     * 2     gina   passkey deleted, conditionalCreate: 2 cancels, password,  silent attempted (declined), heal
     *              the browser declines silently, she accepts the explicit  offered + accepted + completed
     *              offer
     * 3     hank   no passkey, no conditionalCreate: password, declines      append offered, no silent attempt
     * </pre>
     */
    void runSilentUpgrades() {
        UserAccount erin = user("erin@example.com");
        UserAccount gina = user("gina@example.com");
        UserAccount hank = user("hank@example.com");
        SoftwareAuthenticator erinKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        SoftwareAuthenticator ginaKey = SoftwareAuthenticator.forOrigin(ORIGIN);
        enrol(gina, ginaKey, upgradingLaptop("device-gina"));

        // 1: erin's browser filled her password and creates a passkey silently (UP=0).
        LoginStep step = flow.start(erin.identifier(), upgradingLaptop("device-erin"));
        LoginStep.HealingOffer offer = passwordThenOffer(step.flowId());
        assertThat(offer.silent()).isTrue();
        assertThat(flow.finishHealing(
                        offer.flowId(), erinKey.registerWithoutUserPresence(offer.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);

        // 2: gina's passkey is gone; her browser declines the silent creation, she accepts the explicit offer.
        ginaKey.loseAll();
        step = flow.start(gina.identifier(), upgradingLaptop("device-gina"));
        step = answer(answer(step, ginaKey, 2_000), ginaKey, 2_000);
        offer = passwordThenOffer(step.flowId());
        assertThat(offer.silent()).isTrue();
        LoginStep.HealingOffer explicit = (LoginStep.HealingOffer) flow.silentCreateDeclined(offer.flowId());
        assertThat(explicit.silent()).isFalse();
        assertThat(flow.finishHealing(explicit.flowId(), ginaKey.register(explicit.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);

        // 3: hank's browser cannot create silently: the explicit first-passkey offer, declined.
        step = flow.start(hank.identifier(), laptop("device-hank"));
        offer = passwordThenOffer(step.flowId());
        assertThat(offer.silent()).isFalse();
        assertThat(flow.declineHealing(offer.flowId())).isInstanceOf(LoginStep.Completed.class);
    }
}
