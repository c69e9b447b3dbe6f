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
    void deterministic() throws Exception {
        Simulator.Sweep again = Simulator.sweep(SEED, USERS, SimConfig.DEFAULT_IMMEDIATE_SHARE, false);
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            for (int a = 0; a < 3; a++) {
                Tally x = of(s, a);
                Tally y = again.byShare().get(s).get(a).total();
                assertThat(List.of(y.prompts, y.impossiblePrompts, y.offers, y.falseOffers, y.brokenOffered,
                        y.workingSentToPassword)).isEqualTo(List.of(x.prompts, x.impossiblePrompts, x.offers,
                        x.falseOffers, x.brokenOffered, x.workingSentToPassword));
            }
        }
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
}
