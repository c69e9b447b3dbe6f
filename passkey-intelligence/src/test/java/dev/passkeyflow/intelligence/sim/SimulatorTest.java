package dev.passkeyflow.intelligence.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("The simulator, on a small population")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorTest {

    private static final long SEED = 7;
    private static final int USERS = 30;

    private SimResult peer;
    private SimResult threshold;
    private SimResult intelligence;

    @BeforeAll
    void run() throws Exception {
        List<SimResult> results = Simulator.run(SEED, USERS);
        Simulator.print(System.out, SEED, USERS, results, 0);
        peer = results.get(0);
        threshold = results.get(1);
        intelligence = results.get(2);
    }

    @Test
    @DisplayName("replays the same logins for every advisor, and every login completes")
    void sameWorld() {
        assertThat(peer.logins()).isEqualTo(threshold.logins()).isEqualTo(intelligence.logins()).isPositive();
        assertThat(intelligence.completedRate()).isEqualTo(1.0);
        assertThat(intelligence.brokenEpisodes()).isGreaterThanOrEqualTo(10);
    }

    /**
     * Not the target (false offers at most 2% of offers): since a deleted passkey and two
     * dismissed prompts look the same to the site in browsers without immediate UI mode, an offer
     * after a flow whose prompts all failed is the probe that tells them apart, and it is a false
     * offer whenever the person had only dismissed a working passkey. The trade-off is stated in
     * docs/simulation.md; this pins only that PasskeyIntelligence makes no more of them than the
     * threshold advisor, which offers after any failure (as a share of offers it is higher, since it
     * makes fewer true ones).
     */
    @Test
    @DisplayName("PasskeyIntelligence makes no more false offers than the threshold advisor")
    void fewerFalseOffersThanThreshold() {
        assertThat(threshold.falseHealOffers()).as("the baseline makes some, so the measure can fail").isPositive();
        assertThat(intelligence.falseHealOffers()).isLessThanOrEqualTo(threshold.falseHealOffers());
    }

    @Test
    @DisplayName("PasskeyIntelligence shows fewer failing prompts per login than both baselines")
    void fewerFailedPrompts() {
        assertThat(intelligence.failedPromptsPerLogin()).isLessThan(threshold.failedPromptsPerLogin())
                .isLessThan(peer.failedPromptsPerLogin());
    }

    @Test
    @DisplayName("PasskeyIntelligence heals at least 95% of broken passkeys at the first fallback")
    void heals() {
        assertThat(intelligence.brokenHealedRate()).isGreaterThanOrEqualTo(0.95);
        assertThat(peer.brokenHealedRate()).isZero();
    }

    @Test
    @DisplayName("PasskeyIntelligence names the cause right at least 90% of the time when the evidence exists")
    void diagnoses() {
        assertThat(intelligence.diagnosed()).isPositive();
        assertThat(intelligence.diagnosisAccuracy()).isGreaterThanOrEqualTo(0.9);
    }
}
