package dev.passkeyflow.storage.jdbc.kitexamples;

import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.contract.AtomicStepRepositoryContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The example of {@link AtomicStepRepositoryContract}'s javadoc, word for word, so that it keeps
 * compiling and passing; in its own package, as an implementer would write it.
 */
@DisplayName("AtomicStepRepositoryContract's javadoc example")
class H2AtomicStepRepositoryContractTest extends AtomicStepRepositoryContract {

    private JdbcDataSource dataSource;

    @Override
    protected Stores createStores(MutableClock clock) {
        dataSource = new JdbcDataSource(); // a new, empty database per test
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(dataSource)
                .clock(clock)
                .initializeSchema(true)
                .build();
        return new Stores(storage.steps(), storage.flows(), storage.credentials(), storage.attempts());
    }

    @AfterEach
    void shutDown() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("SHUTDOWN");
        }
    }
}
