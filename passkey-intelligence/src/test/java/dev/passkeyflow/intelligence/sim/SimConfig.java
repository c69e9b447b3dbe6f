package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.sim.Scenario.Browser;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The browser model and the policy of one simulation run.
 *
 * @param fastAbsentShare per browser, the share of prompts without any usable passkey that the
 *     browser rejects at once (under 600 ms, no sheet); the rest show a sheet ("use another device",
 *     QR code) that the person dismisses after 2 to 10 s. Real Safari and Chrome: about 0.
 * @param immediateShare the share of Chrome clients whose browser has immediate UI mode
 * @param policy PasskeyIntelligence's policy (the baselines ignore it)
 */
record SimConfig(Map<Browser, Double> fastAbsentShare, double immediateShare, AutoHealingPolicy policy) {

    static final double DEFAULT_IMMEDIATE_SHARE = 0.3;

    SimConfig {
        fastAbsentShare = Map.copyOf(new EnumMap<>(fastAbsentShare));
        for (Browser b : Browser.values()) {
            double share = Objects.requireNonNull(fastAbsentShare.get(b), "fast-failure share of " + b);
            if (share < 0 || share > 1) {
                throw new IllegalArgumentException("fast-failure share of " + b + " must be in [0, 1], was " + share);
            }
        }
        if (immediateShare < 0 || immediateShare > 1) {
            throw new IllegalArgumentException("immediateShare must be in [0, 1], was " + immediateShare);
        }
        Objects.requireNonNull(policy, "policy");
    }

    /** The same fast-failure share for every browser, the default immediate UI share and policy. */
    static SimConfig uniform(double fastShare) {
        Map<Browser, Double> shares = new EnumMap<>(Browser.class);
        for (Browser b : Browser.values()) {
            shares.put(b, fastShare);
        }
        return new SimConfig(shares, DEFAULT_IMMEDIATE_SHARE, AutoHealingPolicy.ofDefaults());
    }

    SimConfig withPolicy(AutoHealingPolicy newPolicy) {
        return new SimConfig(fastAbsentShare, immediateShare, newPolicy);
    }

    double fastShare(Browser browser) {
        return fastAbsentShare.get(browser);
    }

    /** The share every browser has, for the tables ({@code uniform} runs only). */
    double uniformShare() {
        return fastAbsentShare.get(Browser.CHROME);
    }
}
