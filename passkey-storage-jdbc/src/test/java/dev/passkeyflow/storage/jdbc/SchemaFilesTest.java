package dev.passkeyflow.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("schema files")
class SchemaFilesTest {

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("each dialect ships a Flyway-named version 1 migration at its documented path")
    void flywayNames(Dialect dialect) throws IOException {
        assertThat(dialect.schemaResource())
                .isEqualTo("db/passkeyflow/" + dialect.id() + "/V1__passkeyflow_schema.sql")
                .matches("db/passkeyflow/(postgresql|h2)/V[0-9]+__[a-z0-9_]+\\.sql");
        assertThat(dialect.flywayLocation()).isEqualTo("classpath:db/passkeyflow/" + dialect.id());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(dialect.schemaResource())) {
            assertThat(in).as(dialect.schemaResource()).isNotNull();
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sql)
                    .contains(
                            "CREATE TABLE IF NOT EXISTS passkeyflow_users",
                            "CREATE TABLE IF NOT EXISTS passkeyflow_credentials",
                            "CREATE TABLE IF NOT EXISTS passkeyflow_login_attempts",
                            "TABLE IF NOT EXISTS passkeyflow_flows",
                            "TABLE IF NOT EXISTS passkeyflow_throttle_counters",
                            "attempt_id",
                            "CREATE UNIQUE INDEX IF NOT EXISTS passkeyflow_login_attempts_attempt_id_uq");
        }
    }

    @Test
    @DisplayName("on PostgreSQL in-flight flows and throttle counters are unlogged, and nothing else is")
    void unloggedTables() {
        List<String> statements = SchemaInitializer.statements(Dialect.POSTGRESQL, "p_");

        assertThat(statements)
                .filteredOn(sql -> sql.contains("UNLOGGED"))
                .extracting(sql -> sql.split("\\s+", -1)[6])
                .containsExactlyInAnyOrder("p_flows", "p_throttle_counters");
    }

    @Test
    @DisplayName("the resource paths are the ones the documentation names")
    void paths() {
        assertThat(Dialect.POSTGRESQL.schemaResource())
                .isEqualTo("db/passkeyflow/postgresql/V1__passkeyflow_schema.sql");
        assertThat(Dialect.H2.schemaResource()).isEqualTo("db/passkeyflow/h2/V1__passkeyflow_schema.sql");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("every statement is idempotent and the prefix is swapped everywhere")
    void statements(Dialect dialect) {
        List<String> statements = SchemaInitializer.statements(dialect, "acme_pk_");

        assertThat(statements).hasSize(17).allSatisfy(sql -> {
            assertThat(sql)
                    .containsAnyOf(
                            "CREATE TABLE IF NOT EXISTS",
                            "CREATE UNLOGGED TABLE IF NOT EXISTS",
                            "CREATE INDEX IF NOT EXISTS",
                            "CREATE UNIQUE INDEX IF NOT EXISTS");
            assertThat(sql).doesNotContain("passkeyflow_", "--", ";");
        });
        assertThat(String.join("\n", statements))
                .contains(
                        "acme_pk_users",
                        "acme_pk_credentials_user_fk",
                        "acme_pk_login_attempts_user_idx",
                        "acme_pk_flows_expires_idx",
                        "acme_pk_login_attempts_attempt_id_uq",
                        "acme_pk_throttle_counters_pk",
                        "acme_pk_throttle_counters_expires_idx",
                        "acme_pk_passkey_events_id_uq",
                        "acme_pk_passkey_events_device_idx");
    }

    @Test
    @DisplayName("the script splitter drops comments and keeps semicolons inside literals")
    void splitter() {
        assertThat(SchemaInitializer.split("-- a comment; still a comment\nSELECT 'a;b' ;\n\n SELECT 2 -- tail\n;"))
                .containsExactly("SELECT 'a;b'", "SELECT 2");
    }

    @Test
    @DisplayName("table prefixes that are not plain lower-case identifiers are rejected")
    void badPrefixes() {
        for (String bad : List.of("", "Passkey_", "1pk_", "pk-", "pk_; DROP TABLE x", "a".repeat(31))) {
            assertThatIllegalArgumentException()
                    .as(bad)
                    .isThrownBy(() -> SchemaInitializer.statements(Dialect.H2, bad));
        }
        assertThat(SchemaInitializer.statements(Dialect.H2, "a".repeat(30))).isNotEmpty();
    }
}
