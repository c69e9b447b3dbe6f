package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.IntelligenceListener;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import java.time.Clock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Builds passkeyflow from {@link PasskeyFlowProperties} on the application's {@link DataSource}:
 * the {@link JdbcStorage} (tables created as {@link PasskeyFlowProperties.Schema} says), Passkey
 * Intelligence as the advisor, the throttle (counters in the same database, so every node shares
 * them), every {@link LoginFlowListener} and {@link IntelligenceListener} bean, and a {@link Clock}
 * when the application has none. Each bean steps aside for one of the application's own type.
 *
 * <p>A bad property value stops the start with an {@link InvalidConfigurationPropertyValueException}
 * naming the property, its value and what is allowed.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"
        })
@EnableConfigurationProperties(PasskeyFlowProperties.class)
public class PasskeyFlowAutoConfiguration {

    private static final String FLYWAY_CLASS = "org.flywaydb.core.Flyway";

    /** The system clock in UTC, unless the application has a {@link Clock} bean. */
    @Bean
    @ConditionalOnMissingBean
    public Clock passkeyFlowClock() {
        return Clock.systemUTC();
    }

    /**
     * The JDBC storage on the application's data source; with {@code AUTO}, migrated by Flyway
     * (history table {@code passkeyflow.flyway-table}) when the application has a Flyway bean,
     * else by the schema initializer.
     */
    @Bean
    @ConditionalOnMissingBean
    public JdbcStorage passkeyFlowStorage(
            ObjectProvider<DataSource> dataSources,
            Clock clock,
            PasskeyFlowProperties properties,
            ListableBeanFactory beans) {
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
            throw new IllegalStateException("passkeyflow needs one DataSource bean for its JdbcStorage (found "
                    + beans.getBeanNamesForType(DataSource.class).length
                    + "); define a JdbcStorage bean to choose another database");
        }
        JdbcStorage storage =
                JdbcStorage.builder().dataSource(dataSource).clock(clock).build();
        PasskeyFlowProperties.Schema schema = properties.schema();
        boolean flywayPresent = ClassUtils.isPresent(FLYWAY_CLASS, getClass().getClassLoader());
        if (schema == PasskeyFlowProperties.Schema.FLYWAY && !flywayPresent) {
            throw new InvalidConfigurationPropertyValueException(
                    "passkeyflow.schema", "flyway", "Flyway is not on the classpath; use auto, initializer or none");
        }
        boolean useFlyway = schema == PasskeyFlowProperties.Schema.FLYWAY
                || (schema == PasskeyFlowProperties.Schema.AUTO && flywayPresent && hasFlywayBean(beans));
        if (useFlyway) {
            FlywaySchema.migrate(dataSource, storage.dialect(), properties.flywayTable());
        } else if (schema != PasskeyFlowProperties.Schema.NONE) {
            storage.initializeSchema();
        }
        return storage;
    }

    /** {@link AutoHealingPolicy#ofDefaults()} with the {@code passkeyflow.policy.*} values given. */
    @Bean
    @ConditionalOnMissingBean
    public AutoHealingPolicy passkeyFlowPolicy(PasskeyFlowProperties properties) {
        PasskeyFlowProperties.Policy p = properties.policy();
        AutoHealingPolicy.Builder b = AutoHealingPolicy.custom();
        String prefix = "passkeyflow.policy.";
        set(prefix + "failures-before-fallback", p.failuresBeforeFallback(), b::failuresBeforeFallback);
        set(prefix + "first-cancel-counts", p.firstCancelCounts(), b::firstCancelCounts);
        set(
                prefix + "fall-back-at-once-when-passkey-absent",
                p.fallBackAtOnceWhenPasskeyAbsent(),
                b::fallBackAtOnceWhenPasskeyAbsent);
        set(prefix + "cooldown-after-decline", p.cooldownAfterDecline(), b::cooldownAfterDecline);
        set(prefix + "max-consecutive-offers", p.maxConsecutiveOffers(), b::maxConsecutiveOffers);
        set(
                prefix + "require-local-create-capability",
                p.requireLocalCreateCapability(),
                b::requireLocalCreateCapability);
        return b.build();
    }

    /** {@link LoginThrottle#ofDefaults()} with the {@code passkeyflow.throttle.*} values given. */
    @Bean
    @ConditionalOnMissingBean
    public LoginThrottle passkeyFlowThrottle(PasskeyFlowProperties properties) {
        PasskeyFlowProperties.Throttle t = properties.throttle();
        LoginThrottle.Builder b = LoginThrottle.custom();
        String prefix = "passkeyflow.throttle.";
        set(prefix + "max-failures-per-identifier", t.maxFailuresPerIdentifier(), b::maxFailuresPerIdentifier);
        set(prefix + "max-failures-per-device", t.maxFailuresPerDevice(), b::maxFailuresPerDevice);
        set(prefix + "failure-window", t.failureWindow(), b::failureWindow);
        set(prefix + "max-starts-per-identifier", t.maxStartsPerIdentifier(), b::maxStartsPerIdentifier);
        set(prefix + "max-starts-per-device", t.maxStartsPerDevice(), b::maxStartsPerDevice);
        set(prefix + "start-window", t.startWindow(), b::startWindow);
        return b.build();
    }

    /** Passkey Intelligence over the storage's history, unless the application has a {@link LoginAdvisor}. */
    @Bean
    @ConditionalOnMissingBean(LoginAdvisor.class)
    public PasskeyIntelligence passkeyFlowAdvisor(
            JdbcStorage storage, AutoHealingPolicy policy, ObjectProvider<IntelligenceListener> listeners) {
        PasskeyIntelligence.Builder b = PasskeyIntelligence.builder()
                .credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .policy(policy)
                .providers(PasskeyProviders.standard());
        listeners.orderedStream().forEach(b::listener);
        return b.build();
    }

    /** The login flow: one per application, thread-safe, shared by every request. */
    @Bean
    @ConditionalOnMissingBean
    public LoginFlow passkeyFlow(
            PasskeyFlowProperties properties,
            JdbcStorage storage,
            LoginAdvisor advisor,
            LoginThrottle throttle,
            Clock clock,
            ObjectProvider<LoginFlowListener> listeners) {
        LoginFlow.Builder b = LoginFlow.builder();
        if (properties.rpId() == null || properties.rpId().isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    "passkeyflow.rp-id",
                    properties.rpId(),
                    "required: the WebAuthn relying party id, a bare domain such as example.com or localhost");
        }
        if (properties.rpName() == null || properties.rpName().isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    "passkeyflow.rp-name", properties.rpName(), "required: the name authenticators show for the site");
        }
        if (properties.origins().isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(
                    "passkeyflow.origins",
                    null,
                    "required: the web origins of the login pages, e.g. https://example.com");
        }
        set("passkeyflow.rp-id", properties.rpId(), b::rpId);
        set("passkeyflow.rp-name", properties.rpName(), b::rpName);
        for (int i = 0; i < properties.origins().size(); i++) {
            set("passkeyflow.origins[" + i + "]", properties.origins().get(i), b::origin);
        }
        set("passkeyflow.ceremony-timeout", properties.ceremonyTimeout(), b::ceremonyTimeout);
        set("passkeyflow.flow-time-to-live", properties.flowTimeToLive(), b::flowTimeToLive);
        set("passkeyflow.user-verification", properties.userVerification(), b::userVerification);
        set("passkeyflow.resident-key", properties.residentKey(), b::residentKey);
        set("passkeyflow.max-fallback-failures", properties.maxFallbackFailures(), b::maxFallbackFailures);
        set("passkeyflow.max-passkey-attempts", properties.maxPasskeyAttempts(), b::maxPasskeyAttempts);
        set("passkeyflow.completion-redirect", properties.completionRedirect(), b::completionRedirect);
        b.credentialRepository(storage.credentials())
                .loginAttemptRepository(storage.attempts())
                .flowStateRepository(storage.flows())
                .throttleRepository(storage.throttles())
                .atomicStepRepository(storage.steps())
                .advisor(advisor)
                .throttle(throttle)
                .identifierNormalizer(PasskeyFlowFilter::normalize)
                .clock(clock);
        listeners.orderedStream().forEach(b::listener);
        try {
            return b.build();
        } catch (IllegalStateException e) {
            // e.g. an origin that is not on the RP id, or a ceremony timeout longer than a flow lives
            throw new InvalidConfigurationPropertyValueException("passkeyflow", null, e.getMessage());
        }
    }

    private static boolean hasFlywayBean(ListableBeanFactory beans) {
        try {
            Class<?> flyway = ClassUtils.forName(FLYWAY_CLASS, PasskeyFlowAutoConfiguration.class.getClassLoader());
            return beans.getBeanNamesForType(flyway, true, false).length > 0;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Applies a property if it was given; a value the builder refuses names the property. */
    private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }
}
