package dev.passkeyflow.intelligence.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("The simulator, on a small population at every fast-failure share")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorTest {

    private static final long SEED = 7;
    private static final int USERS = 40;

    private Simulator.Sweep sweep;

    @BeforeAll
    void run() throws Exception {
        sweep = Simulator.sweep(SEED, USERS, SimConfig.DEFAULT_IMMEDIATE_SHARE, false);
        Simulator.print(System.out, sweep, false);
    }

    private Tally of(int share, int advisor) {
        return sweep.byShare().get(share).get(advisor).total();
    }

    @Test
    @DisplayName("replays the same logins for every advisor, and every login completes")
    void sameWorld() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 0).logins).isEqualTo(of(s, 1).logins).isEqualTo(of(s, 2).logins).isPositive();
            for (int a = 0; a < 3; a++) {
                assertThat(of(s, a).completed).isEqualTo(of(s, a).logins);
            }
            assertThat(of(s, 2).brokenEpisodes).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    @DisplayName("the same seed gives the same figures")
    void deterministic() {
        Scenario scenario = Scenario.generate(SEED, 12);
        SimConfig config = SimConfig.uniform(0.3);
        Tally x = new SimWorld("passkey-intelligence", scenario, config,
                Simulator.advisor("passkey-intelligence", config)).run().total();
        Tally y = new SimWorld("passkey-intelligence", Scenario.generate(SEED, 12), config,
                Simulator.advisor("passkey-intelligence", config)).run().total();
        assertThat(x.logins).isPositive();
        assertThat(List.of(y.logins, y.prompts, y.impossiblePrompts, y.offers, y.falseOffers, y.brokenOffered,
                y.workingSentToPassword)).isEqualTo(List.of(x.logins, x.prompts, x.impossiblePrompts, x.offers,
                x.falseOffers, x.brokenOffered, x.workingSentToPassword));
    }

    @Test
    @DisplayName("PasskeyIntelligence shows the fewest prompts that could not succeed at every share")
    void fewestImpossiblePrompts() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).impossiblePerLogin()).as("share %s", Simulator.SHARES.get(s))
                    .isLessThan(of(s, 1).impossiblePerLogin()).isLessThan(of(s, 0).impossiblePerLogin());
        }
    }

    @Test
    @DisplayName("PasskeyIntelligence offers healing to at least 95% of broken passkeys at the first fallback at every share")
    void offersHealing() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).brokenOfferedRate()).as("share %s", Simulator.SHARES.get(s))
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(of(s, 0).brokenOfferedRate()).as("the append-only baseline, so the measure can fail")
                    .isLessThan(0.95);
        }
    }

    /**
     * A regression bound, not the target. The target (false offers at most 2% of offers) is
     * missed at the default {@code unprovenFailureOffer = AT_FIRST_FALLBACK}: where the browser hides
     * "no credential here", a dismissed working passkey and a deleted one look the same until the
     * offer probes it (docs/simulation.md, trade-off table). This pins the measured share at the
     * default (38.6% on this population) so that it cannot grow unnoticed, and that every false offer
     * comes with fewer offers in total than the threshold advisor makes.
     */
    @Test
    @DisplayName("at the default policy, false offers stay at most 40% of offers and fewer offers are made than by the threshold advisor")
    void falseOffersBounded() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 1).falseOffers).as("the threshold advisor makes some, so the measure can fail").isPositive();
            assertThat(of(s, 2).falseOfferShare()).as("share %s", Simulator.SHARES.get(s)).isLessThanOrEqualTo(0.40);
            assertThat(of(s, 2).offers).isLessThan(of(s, 1).offers);
        }
    }

    @Test
    @DisplayName("PasskeyIntelligence diagnoses more broken passkeys correctly than either baseline at every share")
    void diagnoses() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(correct(of(s, 2))).isGreaterThan(correct(of(s, 1))).isGreaterThan(0);
            assertThat(correct(of(s, 2))).isGreaterThan(correct(of(s, 0)));
        }
    }

    private static int correct(Tally t) {
        int sum = 0;
        for (int[] d : t.diagnosis) {
            sum += d[Tally.CORRECT];
        }
        return sum;
    }
}
