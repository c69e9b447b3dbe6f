package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.testkit.MutableClock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The database of one contract-kit test: opened by the kit's factory hook (which runs before
 * every test), closed by the subclass's {@code @AfterEach}.
 */
final class ContractDatabase {

    private final Supplier<TestDatabase> opener;
    private @Nullable TestDatabase current;

    ContractDatabase(Supplier<TestDatabase> opener) {
        this.opener = opener;
    }

    /** A storage on a new, empty database, whose expiry decisions follow the kit's clock. */
    JdbcStorage open(MutableClock clock) {
        close();
        TestDatabase database = opener.get();
        current = database;
        return JdbcStorage.builder()
                .dataSource(database.dataSource())
                .clock(clock)
                .initializeSchema(true)
                .build();
    }

    void close() {
        TestDatabase database = current;
        current = null;
        if (database != null) {
            database.close();
        }
    }
}
