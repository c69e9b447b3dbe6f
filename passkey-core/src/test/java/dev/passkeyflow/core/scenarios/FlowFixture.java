package dev.passkeyflow.core.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.AuthenticatorException;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** A LoginFlow on in-memory storage with a controllable clock, and helpers to drive it like a browser. */
final class FlowFixture {

    static final String RP_ID = "example.com";
    static final String ORIGIN = "https://example.com";

    final MutableClock clock = new MutableClock();
    final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    final InMemoryFlowStateRepository flows = new InMemoryFlowStateRepository(clock);
    final List<LoginFlowEvent> events = new CopyOnWriteArrayList<>();
    final LoginFlow flow;

    FlowFixture() {
        this(b -> b);
    }

    FlowFixture(UnaryOperator<LoginFlow.Builder> customize) {
        this(customize, null, null);
    }

    /**
     * A fixture whose flow sees wrappers (made from this fixture's in-memory repositories) instead of
     * the plain repositories; {@code null} for no wrapper.
     */
    FlowFixture(
            UnaryOperator<LoginFlow.Builder> customize,
            Function<FlowFixture, CredentialRepository> credentialWrapper,
            Function<FlowFixture, FlowStateRepository> flowWrapper) {
        CredentialRepository credentialView = credentialWrapper == null ? null : credentialWrapper.apply(this);
        FlowStateRepository flowView = flowWrapper == null ? null : flowWrapper.apply(this);
        LoginFlow.Builder builder = LoginFlow.builder()
                .rpId(RP_ID)
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentialView != null ? credentialView : credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(flowView != null ? flowView : flows)
                .clock(clock)
                .listener(events::add);
        this.flow = customize.apply(builder).build();
    }

    static ClientContext device(String deviceId) {
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/140.0.0.0 Safari/537.36")
                .hints(new ClientHints("macOS", "15.0.0", false))
                .userVerifyingPlatformAuthenticator(true)
                .build();
    }

    static SoftwareAuthenticator authenticator() {
        return SoftwareAuthenticator.forOrigin(ORIGIN);
    }

    UserAccount user(String identifier) {
        byte[] handle = ("uh-" + identifier).getBytes(StandardCharsets.UTF_8);
        UserAccount account = new UserAccount(Bytes.of(handle), identifier, identifier.toUpperCase(Locale.ROOT));
        credentials.saveUser(account);
        return account;
    }

    /** Adds a passkey for an account the host has authenticated, as right after sign-up. */
    Bytes enrolPasskey(UserAccount user, SoftwareAuthenticator authenticator, ClientContext client) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(user.identifier(), client);
        LoginStep done = flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
        assertThat(done).isInstanceOf(LoginStep.Completed.class);
        Bytes id = ((LoginStep.Completed) done).newCredentialId();
        assertThat(id).isNotNull();
        return id;
    }

    /** Starts a login, expecting a passkey challenge. */
    LoginStep.PasskeyChallenge startExpectingChallenge(String identifier, ClientContext client) {
        LoginStep step = flow.start(identifier, client);
        assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        return (LoginStep.PasskeyChallenge) step;
    }

    /** Runs the browser ceremony: the response JSON, or the error reported to the flow. */
    LoginStep answer(LoginStep.PasskeyChallenge challenge, SoftwareAuthenticator authenticator, long elapsedMillis) {
        String response;
        try {
            response = authenticator.authenticate(challenge.credentialsGetJson());
        } catch (AuthenticatorException e) {
            return flow.reportClientError(challenge.flowId(), e.domExceptionName(), e.getMessage(), elapsedMillis);
        }
        return flow.finishPasskey(challenge.flowId(), response);
    }

    /** Asserts that the authenticator fails the challenge as a browser would, and returns the error name. */
    static String failingCeremony(LoginStep.PasskeyChallenge challenge, SoftwareAuthenticator authenticator) {
        AuthenticatorException error = catchThrowableOfType(
                AuthenticatorException.class, () -> authenticator.authenticate(challenge.credentialsGetJson()));
        assertThat(error).as("the authenticator should have failed").isNotNull();
        return error.domExceptionName();
    }

    StoredCredential stored(Bytes credentialId) {
        return credentials.findCredential(credentialId).orElseThrow();
    }

    List<LoginAttempt> attemptsOf(UserAccount user) {
        return attempts.recentByUser(user.userHandle(), Instant.EPOCH, 1000);
    }

    @SuppressWarnings("unchecked")
    <E extends LoginFlowEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(e -> (E) e).toList();
    }
}
