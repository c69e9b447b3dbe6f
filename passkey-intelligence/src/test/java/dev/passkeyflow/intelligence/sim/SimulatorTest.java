package dev.passkeyflow.intelligence.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.AutoHealingPolicy.PhoneOnlyStart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulator on a small population (seed 7, 40 users) at every fast-failure share, every advisor,
 * and PasskeyIntelligence under the default policy and every setting that changes one knob of it. The targets of issue #13 that are met are asserted as targets; the one
 * that is not met is asserted as the measured trade-off: the whole printed sweep must equal the block documented in
 * {@code docs/simulation.md}, so a figure that drifts fails the build until the document says so.
 */
@DisplayName("The simulator, on a small population at every fast-failure share")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorTest {

    private static final long SEED = 7;
    private static final int USERS = 40;
    /** Every policy setting runs at every share of the sweep. */
    private static final List<Double> TRADE_OFF_SHARES = Simulator.SHARES;

    private static final String BEGIN = "<!-- SimulatorTest: begin -->";
    private static final String END = "<!-- SimulatorTest: end -->";

    private Simulator.Sweep sweep;
    private String printed;

    @BeforeAll
    void run() throws Exception {
        sweep = Simulator.sweep(
                SEED, USERS, SimConfig.DEFAULT_IMMEDIATE_SHARE, TRADE_OFF_SHARES, Simulator.ONE_KNOB_AT_A_TIME);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Simulator.print(out, sweep, false);
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
    }

    private Tally of(int share, int advisor) {
        return sweep.byShare().get(share).get(advisor).total();
    }

    private Tally setting(int tradeOffShare, int setting) {
        return sweep.tradeOff().get(tradeOffShare).get(setting).total();
    }

    @Test
    @DisplayName("replays the same logins for every advisor, and every login completes")
    void sameWorld() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 0).logins)
                    .isEqualTo(of(s, 1).logins)
                    .isEqualTo(of(s, 2).logins)
                    .isPositive();
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
        Tally x = new SimWorld(
                        "passkey-intelligence", scenario, config, Simulator.advisor("passkey-intelligence", config))
                .run()
                .total();
        Tally y = new SimWorld(
                        "passkey-intelligence",
                        Scenario.generate(SEED, 12),
                        config,
                        Simulator.advisor("passkey-intelligence", config))
                .run()
                .total();
        assertThat(x.logins).isPositive();
        assertThat(List.of(
                        y.logins,
                        y.prompts,
                        y.impossiblePrompts,
                        y.offers,
                        y.falseOffers,
                        y.brokenOffered,
                        y.workingSentToPassword))
                .isEqualTo(List.of(
                        x.logins,
                        x.prompts,
                        x.impossiblePrompts,
                        x.offers,
                        x.falseOffers,
                        x.brokenOffered,
                        x.workingSentToPassword));
    }

    @Test
    @DisplayName("target met: PasskeyIntelligence shows the fewest prompts that could not succeed at every share")
    void fewestImpossiblePrompts() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).impossiblePerLogin())
                    .as("share %s", Simulator.SHARES.get(s))
                    .isLessThan(of(s, 1).impossiblePerLogin())
                    .isLessThan(of(s, 0).impossiblePerLogin());
        }
    }

    @Test
    @DisplayName(
            "target met: PasskeyIntelligence offers healing to at least 95% of broken passkeys at the first fallback at every share")
    void offersHealing() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).brokenOfferedRate())
                    .as("share %s", Simulator.SHARES.get(s))
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(of(s, 0).brokenOfferedRate())
                    .as("the append-only baseline, so the measure can fail")
                    .isLessThan(0.95);
        }
    }

    @Test
    @DisplayName(
            "target met: no account gets more than 3 unanswered offers in a row without a 30-day pause, at every share")
    void noNagging() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).naggedAccounts)
                    .as("share %s", Simulator.SHARES.get(s))
                    .isZero();
            assertThat(of(s, 1).naggedAccounts)
                    .as("the threshold advisor nags, so the measure can fail")
                    .isPositive();
        }
    }

    @Test
    @DisplayName(
            "target met: PasskeyIntelligence sends no more working-passkey logins to the password than the threshold advisor, at every share")
    void workingPasskeysNotSentToPassword() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(of(s, 2).workingSentToPassword)
                    .as("share %s", Simulator.SHARES.get(s))
                    .isLessThanOrEqualTo(of(s, 1).workingSentToPassword);
        }
        int button = sweep.settings()
                .indexOf(new Simulator.Setting(
                        AutoHealingPolicy.DEFAULT_UNPROVEN_FAILURE_OFFER,
                        PhoneOnlyStart.BUTTON,
                        AutoHealingPolicy.DEFAULT_UNCERTAIN_START));
        assertThat(setting(0, button).workingSentToPassword)
                .as("a button on every PC reached by phone, so the measure can fail")
                .isGreaterThan(of(0, 1).workingSentToPassword);
    }

    @Test
    @DisplayName("PasskeyIntelligence diagnoses more broken passkeys correctly than either baseline at every share")
    void diagnoses() {
        for (int s = 0; s < Simulator.SHARES.size(); s++) {
            assertThat(correct(of(s, 2))).isGreaterThan(correct(of(s, 1))).isGreaterThan(0);
            assertThat(correct(of(s, 2))).isGreaterThan(correct(of(s, 0)));
        }
    }

    /**
     * The conflict behind the missed false-offer target, as measured: where the browser hides
     * "no credential here", no setting both offers healing to 95% of broken passkeys and keeps false
     * offers at 2% of offers; the setting with the fewest false offers is one that misses the healing
     * target. docs/simulation.md explains why and which evidence would remove the conflict.
     */
    @Test
    @DisplayName(
            "target missed, as documented: no policy setting reaches both 95% broken passkeys offered and at most 2% false offers")
    void falseOfferTradeOff() {
        for (int s = 0; s < TRADE_OFF_SHARES.size(); s++) {
            int fewestFalse = 0;
            for (int p = 0; p < sweep.settings().size(); p++) {
                Tally t = setting(s, p);
                assertThat(t.brokenOfferedRate() >= 0.95 && t.falseOfferShare() <= 0.02)
                        .as(
                                "share %s, %s",
                                TRADE_OFF_SHARES.get(s), sweep.settings().get(p).label())
                        .isFalse();
                if (t.falseOfferShare() < setting(s, fewestFalse).falseOfferShare()) {
                    fewestFalse = p;
                }
            }
            assertThat(setting(s, fewestFalse).brokenOfferedRate()).isLessThan(0.95);
            assertThat(sweep.settings().get(0).isDefault()).isTrue();
            assertThat(setting(s, 0).brokenOfferedRate())
                    .as("the default heals")
                    .isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    @DisplayName("every figure of the sweep and of the trade-off is the one documented in docs/simulation.md")
    void documentedFigures() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "simulation.md"), StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("docs/simulation.md has the SimulatorTest block").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String block = doc.substring(begin + BEGIN.length(), end);
        String fenced = block.substring(block.indexOf("```\n") + 4, block.lastIndexOf("```"));
        assertThat(fenced.strip()).isEqualTo(printed.strip());
    }

    private static int correct(Tally t) {
        int sum = 0;
        for (int[] d : t.diagnosis) {
            sum += d[Tally.CORRECT];
        }
        return sum;
    }
}
