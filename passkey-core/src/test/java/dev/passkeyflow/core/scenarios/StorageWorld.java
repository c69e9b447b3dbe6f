package dev.passkeyflow.core.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.storage.memory.InMemoryThrottleRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A login flow on in-memory storage whose four repositories sit behind proxies that log every
 * call and can fail the n-th one, or run a hook before a chosen method (to hold a request between
 * two storage calls while another runs).
 */
final class StorageWorld {

    static final String RP_ID = "example.com";
    static final String ORIGIN = "https://example.com";
    static final ClientContext LAPTOP = ClientContext.builder()
            .deviceId("laptop-1")
            .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/140.0.0.0 Safari/537.36")
            .hints(new ClientHints("macOS", "15.0.0", false))
            .userVerifyingPlatformAuthenticator(true)
            .build();

    /** Limits high enough that suites running hundreds of rounds on one account are not throttled. */
    static final LoginThrottle GENEROUS = LoginThrottle.custom()
            .maxStartsPerIdentifier(10_000)
            .maxStartsPerDevice(10_000)
            .maxFailuresPerIdentifier(10_000)
            .maxFailuresPerDevice(10_000)
            .build();

    /** Something a storage proxy can run before a call, e.g. to hold it at a latch. */
    interface Hook {
        void before(String method);
    }

    final MutableClock clock = new MutableClock();
    final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    final InMemoryFlowStateRepository flows = new InMemoryFlowStateRepository(clock);
    final InMemoryThrottleRepository throttles = new InMemoryThrottleRepository(clock, 1_000_000);
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger callCount = new AtomicInteger();
    volatile int failAtCall = -1;
    volatile boolean logging;
    volatile Hook hook = method -> {};
    final LoginFlow flow;

    StorageWorld() {
        this(b -> b.throttle(GENEROUS));
    }

    StorageWorld(UnaryOperator<LoginFlow.Builder> customize) {
        LoginFlow.Builder builder = LoginFlow.builder()
                .rpId(RP_ID)
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(proxy(CredentialRepository.class, credentials, "credentials"))
                .loginAttemptRepository(proxy(LoginAttemptRepository.class, attempts, "attempts"))
                .flowStateRepository(proxy(FlowStateRepository.class, flows, "flows"))
                .throttleRepository(proxy(ThrottleRepository.class, throttles, "throttles"))
                .clock(clock);
        this.flow = customize.apply(builder).build();
    }

    /** Fails the {@code n}-th storage call from now on (1 is the next call). */
    void failCall(int n) {
        callCount.set(0);
        failAtCall = n;
    }

    /** Counts storage calls from now on without failing any. */
    void countCalls() {
        callCount.set(0);
        failAtCall = -1;
    }

    /** Whether the armed fault has fired (or will never fire, because fewer calls were made). */
    boolean faultFired() {
        return failAtCall > 0 && callCount.get() >= failAtCall;
    }

    /** Storage calls made since {@link #failCall} or {@link #countCalls}. */
    int callsMade() {
        return callCount.get();
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target, String name) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            String call = name + "." + method.getName();
            if (logging) {
                calls.add(call);
            }
            hook.before(call);
            int n = callCount.incrementAndGet();
            if (n == failAtCall) {
                throw new StorageException(StorageException.Reason.UNAVAILABLE, "injected fault at " + call);
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    UserAccount user(String identifier) {
        UserAccount account = new UserAccount(
                Bytes.of(("uh-" + identifier).getBytes(StandardCharsets.UTF_8)), identifier, identifier);
        credentials.saveUser(account);
        return account;
    }

    /** Adds a passkey for an account as right after sign-up, and returns its id. */
    Bytes enrol(UserAccount user, SoftwareAuthenticator authenticator) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(user.identifier(), LAPTOP);
        LoginStep done = flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
        assertThat(done).isInstanceOf(LoginStep.Completed.class);
        return java.util.Objects.requireNonNull(((LoginStep.Completed) done).newCredentialId());
    }

    LoginStep.PasskeyChallenge challenge(String identifier) {
        LoginStep step = flow.start(identifier, LAPTOP);
        assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
        return (LoginStep.PasskeyChallenge) step;
    }

    /** The attempts of this flow's user with this outcome, recorded at or after {@code since}. */
    long attempts(UserAccount user, AttemptOutcome outcome, Instant since) {
        return attempts.recentByUser(user.userHandle(), since, 10_000).stream()
                .map(LoginAttempt::outcome)
                .filter(outcome::equals)
                .count();
    }

    /** The attempts recorded by one flow's steps with this outcome (attempt ids start with the flow id). */
    long attemptsOfFlow(UserAccount user, String flowId, AttemptOutcome outcome) {
        return attempts.recentByUser(user.userHandle(), Instant.EPOCH, 100_000).stream()
                .filter(a -> a.attemptId() != null && a.attemptId().startsWith(flowId + "."))
                .map(LoginAttempt::outcome)
                .filter(outcome::equals)
                .count();
    }

    /** The state of a stored flow, read from its payload as any node would. */
    FlowState storedState(String flowId) {
        String payload = flows.load(flowId).orElseThrow().payload();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"st\":\"([A-Z_]+)\"").matcher(payload);
        assertThat(m.find()).as("a state in the stored flow").isTrue();
        return FlowState.valueOf(m.group(1));
    }

    static SoftwareAuthenticator authenticator() {
        return SoftwareAuthenticator.forOrigin(ORIGIN);
    }
}
