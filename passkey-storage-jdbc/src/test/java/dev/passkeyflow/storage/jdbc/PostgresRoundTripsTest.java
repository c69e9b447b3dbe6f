package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How many statements a passkey login sends to PostgreSQL with atomic steps: each is one network
 * round trip, which is most of what a database login costs beyond an in-memory one (the
 * benchmarks print the time; this pins the count).
 */
@DisplayName("A passkey login on PostgreSQL")
class PostgresRoundTripsTest {

    private static final String ORIGIN = "https://example.com";
    private static final ClientContext LAPTOP = ClientContext.builder()
            .deviceId("laptop")
            .userVerifyingPlatformAuthenticator(true)
            .build();

    private PostgresTestDatabase database;
    private InterceptingDataSource dataSource;
    private LoginFlow flow;
    private UserAccount alice;
    private SoftwareAuthenticator authenticator;

    @BeforeEach
    void setUp() {
        database = PostgresTestDatabase.create();
        dataSource = new InterceptingDataSource(database.dataSource());
        MutableClock clock = new MutableClock(MutableClock.DEFAULT_START);
        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(dataSource)
                .dialect(Dialect.POSTGRESQL)
                .clock(clock)
                .initializeSchema(true)
                .build();
        flow = LoginFlow.builder()
                .clock(clock)
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .flowStateRepository(storage.flows())
                .throttleRepository(storage.throttles())
                .atomicStepRepository(storage.steps())
                .build();
        alice = new UserAccount(Bytes.of("uh-alice".getBytes(StandardCharsets.UTF_8)), "alice@example.com", "Alice");
        storage.credentials().saveUser(alice);
        authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) flow.enrol(alice.identifier(), LAPTOP);
        assertThat(flow.finishHealing(offer.flowId(), authenticator.register(offer.credentialsCreateJson())))
                .isInstanceOf(LoginStep.Completed.class);
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    @DisplayName(
            "is four statements: the account with its credentials, the counted start, the flow with its credentials, the commit")
    void fourStatements() {
        dataSource.clearRecorded();

        LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) flow.start(alice.identifier(), LAPTOP);
        List<String> start = dataSource.preparedSql();
        LoginStep done =
                flow.finishPasskey(challenge.flowId(), authenticator.authenticate(challenge.credentialsGetJson()));
        List<String> all = dataSource.preparedSql();

        assertThat(done).isInstanceOf(LoginStep.Completed.class);
        assertThat(start).as("start").hasSize(2);
        List<String> finish = all.subList(start.size(), all.size());
        assertThat(finish).as("finish").hasSize(2);
        assertThat(finish.get(0))
                .as("the finish's read")
                .contains(" LEFT JOIN ")
                .contains("flow_id = ?");
        assertThat(finish.get(1)).as("the finish's commit").startsWith("WITH f AS (UPDATE");
    }
}
