package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.passkeyflow.storage.StorageException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JdbcStorage.builder()")
class JdbcStorageBuilderTest {

    private final H2TestDatabase database = H2TestDatabase.create();

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    @DisplayName("defaults: detected dialect, passkeyflow_ prefix, system UTC clock, batches of 10,000")
    void defaults() {
        JdbcStorage storage =
                JdbcStorage.builder().dataSource(database.dataSource()).build();

        assertThat(storage.dialect()).isEqualTo(Dialect.H2);
        assertThat(storage.tablePrefix()).isEqualTo("passkeyflow_").isEqualTo(JdbcStorage.DEFAULT_TABLE_PREFIX);
        assertThat(storage.clock()).isEqualTo(Clock.systemUTC());
        assertThat(storage.purgeBatchSize()).isEqualTo(10_000).isEqualTo(JdbcStorage.DEFAULT_PURGE_BATCH_SIZE);
        assertThat(storage.credentials()).isNotNull();
        assertThat(storage.attempts()).isNotNull();
        assertThat(storage.flows()).isNotNull();
        assertThat(storage)
                .hasToString(
                        "JdbcStorage[dialect=H2, tablePrefix=passkeyflow_, clock=SystemClock[Z], purgeBatchSize=10000]");
    }

    @Test
    @DisplayName("a data source is required")
    void dataSourceRequired() {
        assertThatIllegalStateException()
                .isThrownBy(() -> JdbcStorage.builder().build())
                .withMessage("dataSource is required");
        assertThatNullPointerException().isThrownBy(() -> JdbcStorage.builder().dataSource(null));
    }

    @Test
    @DisplayName("each option may be set only once")
    void setOnce() {
        JdbcStorage.Builder builder = JdbcStorage.builder()
                .dataSource(database.dataSource())
                .dialect(Dialect.H2)
                .tablePrefix("a_")
                .clock(Clock.systemUTC())
                .purgeBatchSize(5)
                .initializeSchema(false);

        assertThatIllegalStateException()
                .isThrownBy(() -> builder.dataSource(database.dataSource()))
                .withMessage("dataSource was already set");
        assertThatIllegalStateException().isThrownBy(() -> builder.dialect(Dialect.POSTGRESQL));
        assertThatIllegalStateException().isThrownBy(() -> builder.tablePrefix("b_"));
        assertThatIllegalStateException().isThrownBy(() -> builder.clock(Clock.systemUTC()));
        assertThatIllegalStateException().isThrownBy(() -> builder.purgeBatchSize(6));
        assertThatIllegalStateException().isThrownBy(() -> builder.initializeSchema(true));
    }

    @Test
    @DisplayName("bad values are rejected by the setter, naming the value")
    void badValues() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JdbcStorage.builder().purgeBatchSize(0))
                .withMessage("purgeBatchSize must be positive, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JdbcStorage.builder().tablePrefix("Bad-Prefix"))
                .withMessageContaining("'Bad-Prefix'");
    }

    @Test
    @DisplayName(
            "with an explicit dialect, build() does not touch the database; initializeSchema(true) creates the tables")
    void lazyAndInitialize() {
        InterceptingDataSource unreachable = new InterceptingDataSource(database.dataSource()).unreachable();
        assertThat(JdbcStorage.builder()
                        .dataSource(unreachable)
                        .dialect(Dialect.H2)
                        .build()
                        .dialect())
                .isEqualTo(Dialect.H2);
        assertThatThrownBy(() -> JdbcStorage.builder().dataSource(unreachable).build())
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE));

        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(database.dataSource())
                .initializeSchema(true)
                .build();
        assertThat(storage.flows().purgeExpired()).isZero();
    }

    @Test
    @DisplayName("dialects are recognised by product name; others are refused")
    void productNames() {
        assertThat(Dialect.fromProductName("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromProductName("H2")).isEqualTo(Dialect.H2);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Dialect.fromProductName("MySQL"))
                .withMessageContaining("MySQL");
    }
}
