package dev.passkeyflow.storage.jdbc.kitexamples;

import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.CredentialRepositoryContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The example of {@link CredentialRepositoryContract}'s javadoc, word for word (the other
 * single-repository kits show the same with their own type), so that the example keeps compiling
 * and passing. In its own package: an implementer sees only the public API.
 */
@DisplayName("CredentialRepositoryContract's javadoc example")
class H2CredentialRepositoryContractTest extends CredentialRepositoryContract {

    private JdbcDataSource dataSource;

    @Override
    protected CredentialRepository createRepository(MutableClock clock) {
        dataSource = new JdbcDataSource(); // a new, empty database per test
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return JdbcStorage.builder()
                .dataSource(dataSource)
                .clock(clock)
                .initializeSchema(true)
                .build()
                .credentials();
    }

    @AfterEach
    void shutDown() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("SHUTDOWN");
        }
    }
}
