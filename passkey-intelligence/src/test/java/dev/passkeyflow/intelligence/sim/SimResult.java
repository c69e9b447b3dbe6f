package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.intelligence.sim.Scenario.Kind;
import java.util.Map;

/** What one advisor achieved on one scenario under one {@link SimConfig}: per scenario kind and in total. */
record SimResult(String advisor, SimConfig config, Map<Kind, Tally> byKind, Tally total, long millis) {

    SimResult {
        byKind = Map.copyOf(byKind);
    }
}
