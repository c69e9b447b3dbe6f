package dev.passkeyflow.spring;

import dev.passkeyflow.storage.jdbc.Dialect;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * passkeyflow's migrations applied by Flyway beside the application's own: the same data source,
 * its own history table, so the application's migration versions and passkeyflow's never collide.
 * Only loaded when Flyway is on the classpath.
 */
final class FlywaySchema {

    private FlywaySchema() {}

    static void migrate(DataSource dataSource, Dialect dialect, String historyTable) {
        Flyway.configure(FlywaySchema.class.getClassLoader())
                .dataSource(dataSource)
                .table(historyTable)
                .locations(dialect.flywayLocation())
                // The schema already holds the application's tables: start passkeyflow's history
                // below its version 1, so that version 1 is applied (CREATE ... IF NOT EXISTS).
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
