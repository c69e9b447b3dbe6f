package dev.passkeyflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.intelligence.PasskeyProviders;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IntelligenceMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    @DisplayName("Passkey Intelligence's diagnoses and healing decision tags are counted, without user data in tags")
    void countsDecisions() {
        IntelligenceMetrics metrics = new IntelligenceMetrics(registry);
        ScriptedLogins logins = new ScriptedLogins(
                (self, b) -> b.advisor(PasskeyIntelligence.builder()
                        .credentialRepository(self.credentials)
                        .loginAttemptRepository(self.attempts)
                        .providers(PasskeyProviders.standard())
                        .listener(metrics)
                        .build()),
                UnaryOperator.identity());

        // A passkey deleted on the device: failures are diagnosed; after the password, an offer.
        ClientContext mac = ScriptedLogins.laptop("device-mac");
        UserAccount bob = logins.user("bob@example.com");
        SoftwareAuthenticator key = SoftwareAuthenticator.forOrigin(ScriptedLogins.ORIGIN);
        logins.enrol(bob, key, mac);
        key.loseAll();
        LoginStep step = logins.flow.start(bob.identifier(), mac);
        int failures = 0;
        while (step instanceof LoginStep.PasskeyChallenge) {
            step = logins.answer(step, key, 2_000);
            failures++;
        }
        assertThat(step).isInstanceOf(LoginStep.FallbackRequired.class);
        step = logins.flow.fallbackSucceeded(step.flowId());

        double diagnoses = registry.find("passkeyflow.advisor.diagnoses").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        assertThat(failures).isPositive();
        assertThat(diagnoses).as("one per failed attempt").isEqualTo(failures);
        assertThat(registry.find("passkeyflow.advisor.diagnoses")
                        .tag("action", "fallback")
                        .counter())
                .isNotNull();
        double healingTags = registry.find("passkeyflow.advisor.tags").tag("stage", "healing").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        assertThat(healingTags).as("the healing decision's tags").isGreaterThanOrEqualTo(1);
        String decision = step instanceof LoginStep.HealingOffer offer
                ? offer.kind().name().toLowerCase(java.util.Locale.ROOT)
                : "no_offer";
        assertThat(registry.find("passkeyflow.advisor.tags")
                        .tags("stage", "healing", "decision", decision)
                        .counters())
                .isNotEmpty();
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).doesNotContain("bob").doesNotContain("device-mac");
            }
        }
    }
}
