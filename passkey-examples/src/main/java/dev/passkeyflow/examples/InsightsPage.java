package dev.passkeyflow.examples;

import dev.passkeyflow.micrometer.LoginKpis;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code GET /insights}: the login KPIs as horizontal bar charts in inline SVG. Nothing is loaded
 * from elsewhere, and the charts use SVG presentation attributes rather than inline styles, which
 * the demo's Content-Security-Policy forbids. Each bar carries {@code data-kpi} and
 * {@code data-value} so that tests read the numbers the chart was drawn from.
 */
final class InsightsPage {

    private static final int WIDTH = 640;
    private static final int LABEL_WIDTH = 250;
    private static final int BAR_HEIGHT = 22;
    private static final int GAP = 8;

    private InsightsPage() {}

    /** One bar of a chart. */
    record Bar(String kpi, String label, long value) {}

    static String render(LoginKpis kpis, Map<String, Long> failuresByCause, int eventsKept) {
        String body = """
                <h1>Login insights</h1>
                <p class="calm">From the newest %d login flow events this demo kept in memory
                  (<code>LoginKpis.fromEvents</code>) and its Micrometer counters
                  (<code>PasskeyFlowMetrics</code>). Enrolments after sign-up are not login flows and are
                  left out.</p>
                <div class="card">
                  <p>Login success rate <strong id="rate-login-success" data-value="%s">%s</strong>
                   · passkey login rate <strong id="rate-passkey-login" data-value="%s">%s</strong>
                   · heal completion <strong id="rate-heal-completion" data-value="%s">%s</strong>
                   · silent upgrades <strong id="rate-silent-upgrade" data-value="%s">%s</strong></p>
                </div>
                %s
                <p class="calm">A silent upgrade is a passkey offer made with conditional create right after a password
                  login (the browser reported <code>conditionalCreate</code>): the browser may create the passkey
                  without a dialog. If it declines, the explicit offer follows and counts under healing.</p>
                <p><a href="/">Back to the demo</a> · meters and PromQL: <code>docs/metrics.md</code></p>
                """.formatted(
                        eventsKept,
                        raw(kpis.loginSuccessRate()),
                        percent(kpis.loginSuccessRate()),
                        raw(kpis.passkeyLoginRate()),
                        percent(kpis.passkeyLoginRate()),
                        raw(kpis.healCompletionRate()),
                        percent(kpis.healCompletionRate()),
                        raw(kpis.silentUpgradeRate()),
                        percent(kpis.silentUpgradeRate()),
                        charts(kpis, failuresByCause));
        return shell(body);
    }

    /** The charts: logins, fallback reasons, healing, silent upgrades, failures by cause. */
    private static String charts(LoginKpis kpis, Map<String, Long> failuresByCause) {
        String logins = chart(
                "logins",
                "Login flows",
                List.of(
                        new Bar("loginFlowsStarted", "Started", kpis.loginFlowsStarted()),
                        new Bar("loginsCompleted", "Signed in", kpis.loginsCompleted()),
                        new Bar("passkeyLogins", "with a passkey", kpis.passkeyLogins()),
                        new Bar("fallbackLogins", "with the password", kpis.fallbackLogins())),
                "#2f5bea");
        String fallbacks = chart(
                "fallbacks",
                "Why the password was asked for",
                List.of(
                        new Bar("fallbackNoPasskey", "No passkey (or unknown account)", kpis.fallbackNoPasskey()),
                        new Bar(
                                "fallbackPasskeyUnavailable",
                                "Passkey not available here",
                                kpis.fallbackPasskeyUnavailable()),
                        new Bar("fallbackAfterPasskeyFailure", "Passkey failed", kpis.fallbackAfterPasskeyFailure()),
                        new Bar("manualFallback", "User chose the password", kpis.manualFallback())),
                "#a45a00");
        String healing = chart(
                "healing",
                "Healing and new passkeys",
                List.of(
                        new Bar("healOffered", "Heal offered", kpis.healOffered()),
                        new Bar("healAccepted", "Heal accepted", kpis.healAccepted()),
                        new Bar("healCompleted", "Heal completed", kpis.healCompleted()),
                        new Bar("appendOffered", "Other passkey offers", kpis.appendOffered()),
                        new Bar("appendCompleted", "Other passkeys added", kpis.appendCompleted())),
                "#1f7a45");
        String silent = chart(
                "silent",
                "Silent upgrades (conditional create)",
                List.of(
                        new Bar("silentUpgradesAttempted", "Silent offers made", kpis.silentUpgradesAttempted()),
                        new Bar("silentUpgradesCreated", "Passkeys created silently", kpis.silentUpgradesCreated())),
                "#6b3fa0");
        List<Bar> causes = failuresByCause.entrySet().stream()
                .map(e -> new Bar("failure-" + e.getKey(), e.getKey().replace('_', ' '), e.getValue()))
                .toList();
        String failures = causes.isEmpty()
                ? "<p id=\"failures-none\" class=\"calm\">No failed passkey attempts yet.</p>"
                : chart("failures", "Failed passkey attempts by diagnosed cause", causes, "#b3261e");
        return logins + fallbacks + healing + silent + failures;
    }

    private static String shell(String body) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>Insights · passkeyflow demo</title>
                  <link rel="stylesheet" href="/static/demo.css">
                </head>
                <body data-page="insights">
                  <header><a href="/" class="brand">passkeyflow demo</a><nav><a href="/insights">Insights</a></nav></header>
                  <main>
                %s
                  </main>
                </body>
                </html>
                """.formatted(body);
    }

    /** A horizontal bar chart; bars are scaled to the largest value of the chart. */
    static String chart(String id, String title, List<Bar> bars, String color) {
        long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
        int height = bars.size() * (BAR_HEIGHT + GAP) + GAP;
        int room = WIDTH - LABEL_WIDTH - 60;
        StringBuilder svg = new StringBuilder();
        StringBuilder summary = new StringBuilder(title).append(':');
        svg.append("<h2 id=\"%s-title\">%s</h2>\n".formatted(id, Html.esc(title)));
        svg.append(("<svg id=\"chart-%s\" class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"100%%\""
                        + " aria-labelledby=\"%s-title %s-desc\">\n")
                .formatted(id, WIDTH, height, id, id));
        int y = GAP;
        for (Bar bar : bars) {
            long width = bar.value() == 0 ? 0 : Math.max(2, Math.round((double) bar.value() / max * room));
            svg.append(bar(bar, y, width, color));
            summary.append(' ')
                    .append(bar.label())
                    .append(' ')
                    .append(bar.value())
                    .append(';');
            y += BAR_HEIGHT + GAP;
        }
        svg.append("  <desc id=\"%s-desc\">%s</desc>\n</svg>\n".formatted(id, Html.esc(summary.toString())));
        return svg.toString();
    }

    /** One bar of {@link #chart}: its label, the bar {@code width} wide at {@code y}, and its value. */
    private static String bar(Bar bar, int y, long width, String color) {
        return ("  <g class=\"bar\" data-kpi=\"%s\" data-value=\"%d\">"
                        + "<text x=\"0\" y=\"%d\" font-size=\"14\" fill=\"#1d2330\">%s</text>"
                        + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\"></rect>"
                        + "<text class=\"value\" x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"#1d2330\">%d</text></g>\n")
                .formatted(
                        Html.esc(bar.kpi()),
                        bar.value(),
                        y + 16,
                        Html.esc(bar.label()),
                        LABEL_WIDTH,
                        y,
                        width,
                        BAR_HEIGHT,
                        color,
                        LABEL_WIDTH + width + 8,
                        y + 16,
                        bar.value());
    }

    private static String percent(OptionalDouble rate) {
        return rate.isPresent() ? String.format(Locale.ROOT, "%.0f %%", rate.getAsDouble() * 100) : "n/a";
    }

    private static String raw(OptionalDouble rate) {
        return rate.isPresent() ? String.format(Locale.ROOT, "%.4f", rate.getAsDouble()) : "";
    }
}
