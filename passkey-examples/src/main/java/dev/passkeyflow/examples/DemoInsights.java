package dev.passkeyflow.examples;

import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.micrometer.LoginKpis;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's insights: keeps the newest login flow events in memory (a production host would ship
 * them to its analytics store instead) and serves {@code GET /insights}, the KPIs of
 * {@link LoginKpis#fromEvents(java.util.Collection)} and the passkey failures counted by
 * {@link dev.passkeyflow.micrometer.PasskeyFlowMetrics}, drawn as server-rendered SVG charts.
 *
 * <p>The page shows aggregates only, no identifiers. A real application would still put it behind
 * its administrators' sign-in.
 */
final class DemoInsights implements LoginFlowListener {

    /** Events kept; older ones are dropped, so the KPIs cover the newest flows only. */
    static final int MAX_EVENTS = 10_000;

    private final ArrayDeque<LoginFlowEvent> events = new ArrayDeque<>();
    private final MeterRegistry registry;

    DemoInsights(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onEvent(LoginFlowEvent event) {
        synchronized (events) {
            if (events.size() == MAX_EVENTS) {
                events.removeFirst();
            }
            events.addLast(event);
        }
    }

    /** The KPIs of the events kept, silent upgrades included. */
    LoginKpis kpis() {
        return LoginKpis.fromEvents(events());
    }

    /** The events kept, oldest first. */
    List<LoginFlowEvent> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** Passkey failures by diagnosed cause, from the Micrometer counters. */
    Map<String, Long> failuresByCause() {
        Map<String, Long> byCause = new TreeMap<>();
        for (Counter counter : registry.find("passkeyflow.passkey.failures").counters()) {
            Tag cause = counter.getId().getTags().stream()
                    .filter(t -> t.getKey().equals("cause"))
                    .findFirst()
                    .orElse(Tag.of("cause", "unknown"));
            byCause.merge(cause.getValue(), (long) counter.count(), Long::sum);
        }
        return byCause;
    }

    /** Adds {@code GET /insights} to the demo's server (after {@link DemoWeb#create()}, so its headers apply). */
    void route(Javalin app) {
        app.get("/insights", ctx -> ctx.html(InsightsPage.render(kpis(), failuresByCause(), events().size())));
    }
}
