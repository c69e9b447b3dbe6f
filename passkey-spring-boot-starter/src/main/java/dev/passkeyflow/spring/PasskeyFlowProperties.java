package dev.passkeyflow.spring;

import dev.passkeyflow.core.LoginFlow;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code passkeyflow.*} properties. Only {@code rp-id}, {@code rp-name} and {@code origins} are
 * required; every other value left out keeps the library's default (named on each component).
 * Values are checked when the beans are built: a bad one stops the application with a message that
 * names the property ({@code InvalidConfigurationPropertyValueException}).
 *
 * <pre>
 * passkeyflow.rp-id=example.com
 * passkeyflow.rp-name=Example
 * passkeyflow.origins=https://example.com,https://www.example.com
 * passkeyflow.policy.failures-before-fallback=2
 * passkeyflow.throttle.max-failures-per-identifier=10
 * </pre>
 *
 * @param rpId the WebAuthn relying party id, a bare domain such as example.com or localhost
 * @param rpName the name authenticators show for the relying party
 * @param origins the web origins of the login pages, https://host[:port] (or
 *     http://localhost[:port]), each on the RP id or a subdomain
 * @param ceremonyTimeout how long the browser may take for one ceremony; default 2 minutes
 * @param flowTimeToLive how long a login flow lives; default 5 minutes
 * @param userVerification REQUIRED, PREFERRED (default) or DISCOURAGED
 * @param residentKey REQUIRED, PREFERRED (default) or DISCOURAGED
 * @param maxFallbackFailures failed passwords after which a flow locks; default 5
 * @param maxPasskeyAttempts passkey attempts after which a flow falls back; default 5
 * @param completionRedirect where a completed login goes when Spring Security saved no request; default /
 * @param schema how passkeyflow's tables are created; default AUTO
 * @param flywayTable Flyway's history table for passkeyflow's own migrations; default passkeyflow_schema_history
 * @param policy the knobs of Passkey Intelligence (AutoHealingPolicy)
 * @param throttle limits on failed passwords and flow starts (LoginThrottle)
 */
@ConfigurationProperties("passkeyflow")
public record PasskeyFlowProperties(
        @Nullable String rpId,
        @Nullable String rpName,
        @DefaultValue List<String> origins,
        @Nullable Duration ceremonyTimeout,
        @Nullable Duration flowTimeToLive,
        LoginFlow.@Nullable UserVerification userVerification,
        LoginFlow.@Nullable ResidentKey residentKey,
        @Nullable Integer maxFallbackFailures,
        @Nullable Integer maxPasskeyAttempts,
        @DefaultValue("/") String completionRedirect,
        @DefaultValue("auto") Schema schema,
        @DefaultValue("passkeyflow_schema_history") String flywayTable,
        @DefaultValue Policy policy,
        @DefaultValue Throttle throttle) {

    /** How the tables are created. */
    public enum Schema {
        /**
         * With Flyway when the application has a {@code Flyway} bean (passkeyflow's migrations,
         * recorded in their own history table {@code flyway-table}), else with the library's
         * schema initializer ({@code CREATE TABLE IF NOT EXISTS}).
         */
        AUTO,
        /** Always Flyway (passkeyflow's migrations in their own history table). */
        FLYWAY,
        /** Always the schema initializer. */
        INITIALIZER,
        /** Nothing: the application creates the tables itself. */
        NONE
    }

    /**
     * Knobs of Passkey Intelligence; each left out keeps the {@code AutoHealingPolicy} default.
     *
     * @param failuresBeforeFallback failed passkey attempts before the password (default 2)
     * @param firstCancelCounts whether the first cancel counts as a failure (default true)
     * @param fallBackAtOnceWhenPasskeyAbsent skip the calm retry when the evidence says the passkey is gone (default true)
     * @param cooldownAfterDecline how long a declined offer is not repeated (default 7 days)
     * @param maxConsecutiveOffers unanswered offers before the long cooldown (default 3)
     * @param requireLocalCreateCapability offer only on a device that can create a passkey (default true)
     */
    public record Policy(
            @Nullable Integer failuresBeforeFallback,
            @Nullable Boolean firstCancelCounts,
            @Nullable Boolean fallBackAtOnceWhenPasskeyAbsent,
            @Nullable Duration cooldownAfterDecline,
            @Nullable Integer maxConsecutiveOffers,
            @Nullable Boolean requireLocalCreateCapability) {}

    /**
     * Limits of {@code LoginThrottle}; each left out keeps its default.
     *
     * @param maxFailuresPerIdentifier failed passwords per identifier per window (default 10)
     * @param maxFailuresPerDevice failed passwords per device per window (default 30)
     * @param failureWindow the failure window (default 15 minutes)
     * @param maxStartsPerIdentifier flow starts per identifier per window (default 30)
     * @param maxStartsPerDevice flow starts per device per window (default 120)
     * @param startWindow the start window (default 5 minutes)
     */
    public record Throttle(
            @Nullable Integer maxFailuresPerIdentifier,
            @Nullable Integer maxFailuresPerDevice,
            @Nullable Duration failureWindow,
            @Nullable Integer maxStartsPerIdentifier,
            @Nullable Integer maxStartsPerDevice,
            @Nullable Duration startWindow) {}
}
