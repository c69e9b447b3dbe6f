package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.micrometer.IntelligenceMetrics;
import dev.passkeyflow.micrometer.PasskeyFlowMetrics;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@DisplayName("PasskeyFlowAutoConfiguration")
class PasskeyFlowAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PasskeyFlowAutoConfiguration.class))
            .withBean(DataSource.class, PasskeyFlowAutoConfigurationTest::freshH2)
            .withPropertyValues(
                    "passkeyflow.rp-id=example.com",
                    "passkeyflow.rp-name=Example",
                    "passkeyflow.origins=https://example.com,https://www.example.com");

    static DataSource freshH2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:autoconfig-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    static List<String> tables(DataSource dataSource) {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rows = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                names.add(rows.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    @Nested
    @DisplayName("from properties")
    class FromProperties {

        @Test
        @DisplayName(
                "builds the flow on the application's DataSource, with Passkey Intelligence, a UTC clock and the tables")
        void defaults() {
            runner.run(context -> {
                assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(LoginFlow.class)
                        .hasSingleBean(JdbcStorage.class)
                        .hasSingleBean(PasskeyIntelligence.class)
                        .hasSingleBean(LoginThrottle.class);
                assertThat(context.getBean(Clock.class).getZone()).isEqualTo(ZoneOffset.UTC);
                assertThat(tables(context.getBean(DataSource.class)))
                        .contains(
                                "passkeyflow_users",
                                "passkeyflow_credentials",
                                "passkeyflow_flows",
                                "passkeyflow_throttle_counters")
                        .doesNotContain("passkeyflow_schema_history");
                assertThat(context.getBean(LoginThrottle.class).maxFailuresPerIdentifier())
                        .isEqualTo(LoginThrottle.DEFAULT_MAX_FAILURES_PER_IDENTIFIER);
            });
        }

        @Test
        @DisplayName("policy and throttle knobs reach AutoHealingPolicy and LoginThrottle")
        void knobs() {
            runner.withPropertyValues(
                            "passkeyflow.policy.failures-before-fallback=3",
                            "passkeyflow.policy.fall-back-at-once-when-passkey-absent=false",
                            "passkeyflow.policy.cooldown-after-decline=14d",
                            "passkeyflow.throttle.max-failures-per-identifier=4",
                            "passkeyflow.throttle.failure-window=10m")
                    .run(context -> {
                        AutoHealingPolicy policy = context.getBean(AutoHealingPolicy.class);
                        assertThat(policy.failuresBeforeFallback()).isEqualTo(3);
                        assertThat(policy.fallBackAtOnceWhenPasskeyAbsent()).isFalse();
                        assertThat(policy.cooldownAfterDecline()).isEqualTo(Duration.ofDays(14));
                        assertThat(context.getBean(PasskeyIntelligence.class).policy())
                                .isSameAs(policy);
                        LoginThrottle throttle = context.getBean(LoginThrottle.class);
                        assertThat(throttle.maxFailuresPerIdentifier()).isEqualTo(4);
                        assertThat(throttle.failureWindow()).isEqualTo(Duration.ofMinutes(10));
                    });
        }

        @Test
        @DisplayName("LoginFlowListener beans hear the flow's events")
        void listeners() {
            List<LoginFlowEvent> heard = new ArrayList<>();
            runner.withBean(LoginFlowListener.class, () -> heard::add).run(context -> {
                context.getBean(LoginFlow.class).start("nobody@example.com", ClientContext.unknown());
                assertThat(heard).isNotEmpty().first().isInstanceOf(LoginFlowEvent.FlowStarted.class);
            });
        }

        @Test
        @DisplayName("the application's own Clock, advisor and storage win over the defaults")
        void backsOff() {
            Clock fixed = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
            LoginAdvisor threshold = ThresholdLoginAdvisor.ofDefaults();
            runner.withBean(Clock.class, () -> fixed)
                    .withBean(LoginAdvisor.class, () -> threshold)
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(PasskeyIntelligence.class);
                        assertThat(context.getBean(Clock.class)).isSameAs(fixed);
                        assertThat(context.getBean(JdbcStorage.class).clock()).isSameAs(fixed);
                        assertThat(context.getBean(LoginAdvisor.class)).isSameAs(threshold);
                    });
        }
    }

    @Nested
    @DisplayName("refuses bad properties, naming them")
    class Validation {

        @Test
        @DisplayName("a missing rp-id")
        void missingRpId() {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(PasskeyFlowAutoConfiguration.class))
                    .withBean(DataSource.class, PasskeyFlowAutoConfigurationTest::freshH2)
                    .withPropertyValues("passkeyflow.rp-name=Example", "passkeyflow.origins=https://example.com")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("passkeyflow.rp-id")
                            .hasMessageContaining("required"));
        }

        @Test
        @DisplayName("an origin that is not https, with its index and value")
        void badOrigin() {
            runner.withPropertyValues("passkeyflow.origins=https://example.com,ftp://example.com")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("passkeyflow.origins[1]")
                            .hasMessageContaining("ftp://example.com"));
        }

        @Test
        @DisplayName("an origin outside the rp-id")
        void originOffRpId() {
            runner.withPropertyValues("passkeyflow.origins=https://example.org")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("https://example.org is not on rpId example.com"));
        }

        @Test
        @DisplayName("a policy knob out of range")
        void badPolicy() {
            runner.withPropertyValues("passkeyflow.policy.failures-before-fallback=0")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("passkeyflow.policy.failures-before-fallback"));
        }

        @Test
        @DisplayName("a throttle limit out of range")
        void badThrottle() {
            runner.withPropertyValues("passkeyflow.throttle.max-failures-per-identifier=-1")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("passkeyflow.throttle.max-failures-per-identifier"));
        }
    }

    @Nested
    @DisplayName("the schema")
    class Schema {

        @Test
        @DisplayName("an application with Flyway: passkeyflow's migration runs beside it, in its own history table")
        void flyway() {
            runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                    .withPropertyValues("spring.flyway.locations=classpath:db/app-migrations")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        DataSource dataSource = context.getBean(DataSource.class);
                        assertThat(tables(dataSource))
                                .contains(
                                        "flyway_schema_history",
                                        "passkeyflow_schema_history",
                                        "passkeyflow_users",
                                        "app_orders");
                        try (Connection c = dataSource.getConnection();
                                ResultSet rows = c.createStatement()
                                        .executeQuery(
                                                "SELECT \"version\", \"success\" FROM \"passkeyflow_schema_history\""
                                                        + " WHERE \"version\" = '1'")) {
                            assertThat(rows.next()).isTrue();
                            assertThat(rows.getBoolean(2)).isTrue();
                        }
                    });
        }

        @Test
        @DisplayName("schema=none creates nothing")
        void none() {
            runner.withPropertyValues("passkeyflow.schema=none").run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(tables(context.getBean(DataSource.class))).noneMatch(t -> t.startsWith("passkeyflow_"));
            });
        }
    }

    @Nested
    @DisplayName("with Micrometer")
    class WithMicrometer {

        private final ApplicationContextRunner metered =
                runner.withConfiguration(AutoConfigurations.of(PasskeyFlowMetricsAutoConfiguration.class));

        @Test
        @DisplayName(
                "a MeterRegistry bean gets the flow's call timers and event counters after a flow call, with no code")
        void callTimersAndCounters() {
            metered.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(PasskeyFlowMetrics.class)
                        .hasSingleBean(IntelligenceMetrics.class);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.find("passkeyflow.calls").timer()).isNull();

                context.getBean(LoginFlow.class).start("nobody@example.com", ClientContext.unknown());

                Timer start = registry.find("passkeyflow.calls")
                        .tag("operation", "start")
                        .timer();
                assertThat(start).isNotNull();
                assertThat(start.count()).isEqualTo(1);
                assertThat(registry.find("passkeyflow.flows.started").counter())
                        .isNotNull()
                        .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
            });
        }

        @Test
        @DisplayName("Passkey Intelligence's healing decisions are counted after a password login")
        void intelligenceCounters() {
            metered.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                JdbcStorage storage = context.getBean(JdbcStorage.class);
                storage.credentials()
                        .saveUser(new UserAccount(Bytes.of(new byte[] {1, 2, 3}), "ann@example.com", "Ann"));
                LoginFlow flow = context.getBean(LoginFlow.class);
                LoginStep step = flow.start("ann@example.com", ClientContext.unknown());

                flow.fallbackSucceeded(step.flowId());

                assertThat(context.getBean(MeterRegistry.class)
                                .find("passkeyflow.advisor.tags")
                                .tag("stage", "healing")
                                .counters())
                        .isNotEmpty();
            });
        }

        @Test
        @DisplayName("without a MeterRegistry bean nothing is metered and the flow is the plain one")
        void noRegistry() {
            metered.run(context -> {
                assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(PasskeyFlowMetrics.class)
                        .doesNotHaveBean(IntelligenceMetrics.class)
                        .doesNotHaveBean("passkeyFlowCallTimers");
                LoginFlow flow = context.getBean(LoginFlow.class);
                assertThat(Proxy.isProxyClass(flow.getClass())).isFalse();
                assertThat(flow.start("nobody@example.com", ClientContext.unknown()))
                        .isNotNull();
            });
        }

        @Test
        @DisplayName(
                "without Micrometer or passkey-micrometer on the class path the application starts and logs in as before")
        void noMicrometer() {
            metered.withClassLoader(new FilteredClassLoader("io.micrometer.core", "dev.passkeyflow.micrometer"))
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean("passkeyFlowCallTimers");
                        assertThat(context.getBean(LoginFlow.class)
                                        .start("nobody@example.com", ClientContext.unknown()))
                                .isNotNull();
                    });
        }
    }
}
