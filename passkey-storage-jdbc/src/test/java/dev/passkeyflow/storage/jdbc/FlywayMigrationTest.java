package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The schema files, applied by Flyway itself from {@link Dialect#flywayLocation()}. */
@DisplayName("the schema files as Flyway migrations")
class FlywayMigrationTest {

    @Test
    @DisplayName("Flyway applies the H2 files; the storage works on them; the initializer afterwards is harmless")
    void h2() {
        check(H2TestDatabase::create);
    }

    @Test
    @DisplayName(
            "Flyway applies the PostgreSQL files; the storage works on them; the initializer afterwards is harmless")
    void postgresql() {
        check(PostgresTestDatabase::create);
    }

    private static void check(Supplier<TestDatabase> opener) {
        try (TestDatabase database = opener.get()) {
            Flyway flyway = Flyway.configure()
                    .dataSource(database.dataSource())
                    .locations(database.dialect().flywayLocation())
                    .load();

            assertThat(flyway.migrate().migrationsExecuted).isEqualTo(1);

            JdbcStorage storage =
                    JdbcStorage.builder().dataSource(database.dataSource()).build();
            assertThat(storage.dialect()).isEqualTo(database.dialect());
            Bytes alice = Bytes.of(new byte[] {1});
            storage.credentials().saveUser(new UserAccount(alice, "alice", "Alice"));
            storage.flows().create(new FlowRecord("f1", 0, Instant.now().plusSeconds(60), "{}"));

            storage.initializeSchema();
            flyway.validate();
            assertThat(flyway.migrate().migrationsExecuted).isZero();
            assertThat(storage.credentials().findUserByHandle(alice)).isPresent();
        }
    }
}
