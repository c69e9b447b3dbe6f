package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.AuthenticatorException;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two application "nodes" (separate pools, separate storage and LoginFlow object graphs) share one
 * PostgreSQL database, as behind a load balancer.
 */
@DisplayName("Two LoginFlow nodes sharing one PostgreSQL database")
class PostgresMultiNodeLoginFlowTest {

    private static final String ORIGIN = "https://example.com";

    private PostgresTestDatabase db;
    private HikariDataSource secondPool;
    private Node nodeA;
    private Node nodeB;

    private record Node(JdbcStorage storage, LoginFlow flow) {}

    @BeforeEach
    void startNodes() {
        db = PostgresTestDatabase.create();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setSchema(db.schema());
        config.setPoolName("pkf-node-b-" + db.schema());
        config.setMaximumPoolSize(10);
        secondPool = new HikariDataSource(config);
        nodeA = node(JdbcStorage.builder()
                .dataSource(db.dataSource())
                .initializeSchema(true)
                .build());
        nodeB = node(JdbcStorage.builder().dataSource(secondPool).build());
    }

    @AfterEach
    void stopNodes() {
        if (secondPool != null) {
            secondPool.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static Node node(JdbcStorage storage) {
        LoginFlow flow = LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .flowStateRepository(storage.flows())
                .throttleRepository(storage.throttles())
                .atomicStepRepository(storage.steps())
                .throttle(LoginThrottle.custom()
                        .maxStartsPerIdentifier(100_000)
                        .maxStartsPerDevice(100_000)
                        .build())
                .build();
        return new Node(storage, flow);
    }

    private static ClientContext device(String id) {
        return ClientContext.builder()
                .deviceId(id)
                .userVerifyingPlatformAuthenticator(true)
                .build();
    }

    private UserAccount user(String identifier) {
        UserAccount account = new UserAccount(
                Bytes.of(("uh-" + identifier).getBytes(StandardCharsets.UTF_8)), identifier, identifier);
        nodeA.storage().credentials().saveUser(account);
        return account;
    }

    /** Enrols a passkey: offer made on one node, credential verified on the other. */
    private Bytes enrol(
            UserAccount user,
            SoftwareAuthenticator authenticator,
            Node offering,
            Node finishing,
            ClientContext client) {
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) offering.flow().enrol(user.identifier(), client);
        LoginStep.Completed done = (LoginStep.Completed)
                finishing.flow().finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
        return done.newCredentialId();
    }

    /** Answers a challenge like a browser; the call goes to {@code node}. */
    private static LoginStep answer(
            Node node, LoginStep.PasskeyChallenge challenge, SoftwareAuthenticator authenticator) {
        try {
            return node.flow()
                    .finishPasskey(challenge.flowId(), authenticator.authenticate(challenge.credentialsGetJson()));
        } catch (AuthenticatorException e) {
            return node.flow().reportClientError(challenge.flowId(), e.domExceptionName(), null, 30);
        }
    }

    @Test
    @DisplayName("a flow started on node A finishes on node B, including a heal")
    void flowMovesBetweenNodes() {
        UserAccount alice = user("alice@example.com");
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        ClientContext laptop = device("laptop");
        Bytes old = enrol(alice, authenticator, nodeA, nodeB, laptop);
        authenticator.loseAll();

        LoginStep step = nodeA.flow().start("alice@example.com", laptop);
        step = answer(nodeB, (LoginStep.PasskeyChallenge) step, authenticator);
        step = answer(nodeA, (LoginStep.PasskeyChallenge) step, authenticator);
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) nodeB.flow().fallbackSucceeded(step.flowId());
        LoginStep.Completed healed = (LoginStep.Completed)
                nodeA.flow().finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));

        assertThat(healed.healing()).isEqualTo(HealingResult.HEALED);
        assertThat(nodeB.storage()
                        .credentials()
                        .findCredential(old)
                        .orElseThrow()
                        .status())
                .isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
        LoginStep next = answer(
                nodeA, (LoginStep.PasskeyChallenge) nodeB.flow().start("alice@example.com", laptop), authenticator);
        assertThat(next)
                .isInstanceOfSatisfying(
                        LoginStep.Completed.class, c -> assertThat(c.method()).isEqualTo(AuthenticationMethod.PASSKEY));
    }

    @Test
    @DisplayName("two nodes finishing the same flow at once give exactly one success")
    void racingNodes() throws Exception {
        UserAccount alice = user("alice@example.com");
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        enrol(alice, authenticator, nodeA, nodeA, device("laptop"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                LoginStep.PasskeyChallenge challenge =
                        (LoginStep.PasskeyChallenge) nodeA.flow().start("alice@example.com", device("laptop"));
                String response = authenticator.authenticate(challenge.credentialsGetJson());
                CyclicBarrier go = new CyclicBarrier(2);
                List<Future<Object>> calls = new ArrayList<>();
                for (Node node : List.of(nodeA, nodeB)) {
                    calls.add(pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        try {
                            return node.flow().finishPasskey(challenge.flowId(), response);
                        } catch (LoginFlowException e) {
                            return e.reason();
                        }
                    }));
                }
                List<Object> outcomes = new ArrayList<>();
                for (Future<Object> call : calls) {
                    outcomes.add(call.get(30, TimeUnit.SECONDS));
                }
                assertThat(outcomes)
                        .as("round %d", round)
                        .filteredOn(LoginStep.Completed.class::isInstance)
                        .hasSize(1);
                assertThat(outcomes)
                        .as("round %d", round)
                        .filteredOn(LoginFlowException.Reason.class::isInstance)
                        .singleElement()
                        .isIn(LoginFlowException.Reason.CONFLICT, LoginFlowException.Reason.ILLEGAL_TRANSITION);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("200 concurrent flows spread over both nodes complete with no lost update and no duplicate credential")
    void manyConcurrentFlows() throws Exception {
        int users = 200;
        List<UserAccount> accounts = new ArrayList<>();
        List<SoftwareAuthenticator> authenticators = new ArrayList<>();
        List<Bytes> firstPasskeys = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            UserAccount account = user("user" + i + "@example.com");
            SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
            firstPasskeys.add(enrol(
                    account,
                    authenticator,
                    i % 2 == 0 ? nodeA : nodeB,
                    i % 2 == 0 ? nodeB : nodeA,
                    device("device-" + i)));
            accounts.add(account);
            authenticators.add(authenticator);
        }
        // Every fourth user lost the passkey on this device and goes through fallback and healing.
        for (int i = 0; i < users; i += 4) {
            authenticators.get(i).loseAll();
        }
        // Attempts from here on belong to the concurrent logins, not to the enrolments above.
        Thread.sleep(5);
        Instant startedAt = Instant.now();
        Thread.sleep(5);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<LoginStep>> logins = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            int index = i;
            logins.add(pool.submit(() -> {
                Node here = index % 2 == 0 ? nodeA : nodeB;
                Node there = index % 2 == 0 ? nodeB : nodeA;
                SoftwareAuthenticator authenticator = authenticators.get(index);
                ClientContext client = device("device-" + index);
                LoginStep step = here.flow().start(accounts.get(index).identifier(), client);
                boolean onHere = false;
                while (step instanceof LoginStep.PasskeyChallenge challenge) {
                    step = answer(onHere ? here : there, challenge, authenticator);
                    onHere = !onHere;
                }
                if (step instanceof LoginStep.FallbackRequired) {
                    step = there.flow().fallbackSucceeded(step.flowId());
                }
                if (step instanceof LoginStep.HealingOffer offer) {
                    step = here.flow()
                            .finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson()));
                }
                return step;
            }));
        }
        List<LoginStep> results = new ArrayList<>();
        for (Future<LoginStep> login : logins) {
            results.add(login.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(results).allSatisfy(step -> assertThat(step).isInstanceOf(LoginStep.Completed.class));
        Set<Bytes> allCredentialIds = new HashSet<>();
        for (int i = 0; i < users; i++) {
            UserAccount account = accounts.get(i);
            LoginStep.Completed done = (LoginStep.Completed) results.get(i);
            assertThat(done.userHandle()).isEqualTo(account.userHandle());
            List<StoredCredential> credentials = nodeB.storage().credentials().listCredentials(account.userHandle());
            credentials.forEach(c -> allCredentialIds.add(c.credentialId()));
            List<AttemptOutcome> outcomes =
                    nodeA.storage().attempts().recentByUser(account.userHandle(), startedAt, 50).stream()
                            .map(a -> a.outcome())
                            .toList();
            if (i % 4 == 0) {
                assertThat(done.healing()).isEqualTo(HealingResult.HEALED);
                assertThat(credentials).hasSize(2);
                assertThat(nodeA.storage()
                                .credentials()
                                .findCredential(firstPasskeys.get(i))
                                .orElseThrow()
                                .status())
                        .isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
                assertThat(outcomes)
                        .containsExactly(
                                AttemptOutcome.REGISTERED,
                                AttemptOutcome.FALLBACK_SUCCEEDED,
                                AttemptOutcome.CANCELLED,
                                AttemptOutcome.CANCELLED);
            } else {
                assertThat(done.method()).isEqualTo(AuthenticationMethod.PASSKEY);
                assertThat(credentials).singleElement().satisfies(c -> {
                    assertThat(c.lastUsedAt()).isNotNull();
                    assertThat(c.signatureCount()).isEqualTo(1);
                });
                assertThat(outcomes).containsExactly(AttemptOutcome.SUCCEEDED);
            }
        }
        try (Connection connection = db.directConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT count(*), count(DISTINCT credential_id) FROM passkeyflow_credentials")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1))
                    .isEqualTo(rows.getLong(2))
                    .isEqualTo(allCredentialIds.size())
                    .isEqualTo(users + users / 4);
        }
    }
}
