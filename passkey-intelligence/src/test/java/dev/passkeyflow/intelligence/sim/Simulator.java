package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.AutoHealingPolicy.PhoneOnlyStart;
import dev.passkeyflow.intelligence.AutoHealingPolicy.UncertainStart;
import dev.passkeyflow.intelligence.AutoHealingPolicy.UnprovenFailureOffer;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.intelligence.sim.Scenario.Break;
import dev.passkeyflow.intelligence.sim.Scenario.Kind;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Replays one seeded population through {@code LoginFlow} with three advisors side by side, at each
 * fast-failure share of the sweep, and prints one table per share, the policy trade-off table (both
 * knobs of {@link Setting}, every share) and,
 * with {@code --by-kind}, one row per scenario kind.
 *
 * <pre>
 * scripts/simulate [--seed N] [--users N] [--immediate SHARE] [--by-kind] [--advisors-only] [--setting LABEL]
 * </pre>
 *
 * <p>{@code --advisors-only} leaves out the policy trade-off runs (about three quarters of the time), for
 * measuring many seeds or larger populations; {@code --setting} runs PasskeyIntelligence's column under
 * another setting of the trade-off table, named as in its rows (e.g. {@code at_first_fallback/auto/auto}).
 */
public final class Simulator {

    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_USERS = 120;
    /** The fast-failure shares of the sweep (same share for every browser). */
    static final List<Double> SHARES = List.of(0.0, 0.3, 0.6, 0.9);

    /** The advisors compared, in the order of the table. */
    static final List<String> ADVISORS = List.of("append-only-baseline", "threshold", "passkey-intelligence");

    private static final String USAGE =
            "usage: scripts/simulate [--seed N] [--users N] [--immediate SHARE] [--by-kind] [--advisors-only]"
                    + " [--setting UNPROVEN/PHONE/UNCERTAIN]";

    private Simulator() {}

    public static void main(String[] args) throws Exception {
        long seed = DEFAULT_SEED;
        int users = DEFAULT_USERS;
        double immediate = SimConfig.DEFAULT_IMMEDIATE_SHARE;
        boolean byKind = false;
        boolean advisorsOnly = false;
        Setting setting = SETTINGS.get(0);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                case "--users" -> users = Integer.parseInt(value(args, ++i, "--users"));
                case "--immediate" -> immediate = Double.parseDouble(value(args, ++i, "--immediate"));
                case "--by-kind" -> byKind = true;
                case "--advisors-only" -> advisorsOnly = true;
                case "--setting" -> setting = Setting.of(value(args, ++i, "--setting"));
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
            }
        }
        if (users < 2 || users > 100_000) {
            throw new IllegalArgumentException("--users must be between 2 and 100000, was " + users);
        }
        long started = System.nanoTime();
        Sweep sweep = sweep(seed, users, immediate, advisorsOnly ? List.of() : SHARES, SETTINGS, setting);
        System.out.printf(
                Locale.ROOT,
                "passkeyflow simulation: seed=%d users=%d immediate-ui-share=%.2f setting=%s (%d ms)%n%n",
                seed,
                users,
                immediate,
                setting.label(),
                (System.nanoTime() - started) / 1_000_000);
        print(System.out, sweep, byKind);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /**
     * One setting of the three policy knobs that trade one target against another: when failed prompts
     * without proof lead to an offer, how a login starts where the passkey can only come from a phone,
     * and how it starts on a device without history where the passkey may or may not be.
     */
    record Setting(UnprovenFailureOffer unproven, PhoneOnlyStart phoneOnly, UncertainStart uncertain) {

        AutoHealingPolicy policy() {
            return AutoHealingPolicy.custom()
                    .unprovenFailureOffer(unproven)
                    .phoneOnlyStart(phoneOnly)
                    .uncertainStart(uncertain)
                    .build();
        }

        boolean isDefault() {
            return unproven == AutoHealingPolicy.DEFAULT_UNPROVEN_FAILURE_OFFER
                    && phoneOnly == AutoHealingPolicy.DEFAULT_PHONE_ONLY_START
                    && uncertain == AutoHealingPolicy.DEFAULT_UNCERTAIN_START;
        }

        /** How many knobs differ from the default. */
        int changes() {
            return (unproven == AutoHealingPolicy.DEFAULT_UNPROVEN_FAILURE_OFFER ? 0 : 1)
                    + (phoneOnly == AutoHealingPolicy.DEFAULT_PHONE_ONLY_START ? 0 : 1)
                    + (uncertain == AutoHealingPolicy.DEFAULT_UNCERTAIN_START ? 0 : 1);
        }

        /** The setting whose {@link #label()} is {@code label}. */
        static Setting of(String label) {
            for (Setting s : SETTINGS) {
                if (s.label().equals(label)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown setting '" + label + "'; one of "
                    + SETTINGS.stream().map(Setting::label).toList());
        }

        String label() {
            return unproven.name().toLowerCase(Locale.ROOT) + "/"
                    + switch (phoneOnly) {
                        case BUTTON -> "button";
                        case ATTEMPT_AUTOMATICALLY -> "auto";
                        case ATTEMPT_AFTER_REPEATED_CROSS_DEVICE -> "repeated";
                    }
                    + "/"
                    + switch (uncertain) {
                        case BUTTON -> "button";
                        case ATTEMPT_AUTOMATICALLY -> "auto";
                    };
        }
    }

    /** Every combination of the three knobs, the default first. */
    static final List<Setting> SETTINGS = settings(3);

    /** The default and every setting that changes one knob from it. */
    static final List<Setting> ONE_KNOB_AT_A_TIME = settings(1);

    private static List<Setting> settings(int maxChanges) {
        List<Setting> all = new ArrayList<>();
        for (UncertainStart uncertain : UncertainStart.values()) {
            for (PhoneOnlyStart phone : PhoneOnlyStart.values()) {
                for (UnprovenFailureOffer unproven : UnprovenFailureOffer.values()) {
                    Setting setting = new Setting(unproven, phone, uncertain);
                    if (setting.changes() <= maxChanges) {
                        all.add(setting);
                    }
                }
            }
        }
        all.sort((a, b) -> Boolean.compare(b.isDefault(), a.isDefault()));
        return List.copyOf(all);
    }

    /**
     * The results of a sweep: per share of {@link #SHARES} the three advisors, and, per share of
     * {@code tradeOffShares}, PasskeyIntelligence under each of {@code settings}.
     */
    record Sweep(
            List<List<SimResult>> byShare,
            List<Double> tradeOffShares,
            List<Setting> settings,
            List<List<SimResult>> tradeOff) {}

    /**
     * Runs every advisor at every share of {@link #SHARES} on the same scenario, and PasskeyIntelligence
     * under each of {@code settings} at each of {@code tradeOffShares}, two worlds at a time.
     */
    static Sweep sweep(long seed, int users, double immediateShare, List<Double> tradeOffShares, List<Setting> settings)
            throws InterruptedException, ExecutionException {
        return sweep(seed, users, immediateShare, tradeOffShares, settings, SETTINGS.get(0));
    }

    /** As above, with PasskeyIntelligence's column of the advisor tables under {@code column}. */
    static Sweep sweep(
            long seed,
            int users,
            double immediateShare,
            List<Double> tradeOffShares,
            List<Setting> settings,
            Setting column)
            throws InterruptedException, ExecutionException {
        Scenario scenario = Scenario.generate(seed, users);
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        try {
            List<List<Future<SimResult>>> shares = new ArrayList<>();
            List<List<Future<SimResult>>> policies = new ArrayList<>();
            for (double share : SHARES) {
                SimConfig base = SimConfig.uniform(share);
                SimConfig config = new SimConfig(base.fastAbsentShare(), immediateShare, column.policy());
                List<Future<SimResult>> row = new ArrayList<>();
                for (String name : ADVISORS) {
                    row.add(pool.submit(world(name, scenario, config)));
                }
                shares.add(row);
                if (tradeOffShares.contains(share)) {
                    List<Future<SimResult>> policyRow = new ArrayList<>();
                    for (Setting setting : settings) {
                        policyRow.add(
                                setting.equals(column)
                                        ? row.get(2)
                                        : pool.submit(world(
                                                "passkey-intelligence",
                                                scenario,
                                                config.withPolicy(setting.policy()))));
                    }
                    policies.add(policyRow);
                }
            }
            return new Sweep(collect(shares), List.copyOf(tradeOffShares), settings, collect(policies));
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<SimResult> world(String name, Scenario scenario, SimConfig config) {
        return () -> new SimWorld(name, scenario, config, advisor(name, config)).run();
    }

    private static List<List<SimResult>> collect(List<List<Future<SimResult>>> futures)
            throws InterruptedException, ExecutionException {
        List<List<SimResult>> out = new ArrayList<>();
        for (List<Future<SimResult>> row : futures) {
            List<SimResult> results = new ArrayList<>();
            for (Future<SimResult> f : row) {
                results.add(f.get());
            }
            out.add(List.copyOf(results));
        }
        return List.copyOf(out);
    }

    static BiFunction<CredentialRepository, LoginAttemptRepository, LoginAdvisor> advisor(
            String name, SimConfig config) {
        return switch (name) {
            case "append-only-baseline" -> (c, a) -> new PeerAdvisor();
            case "threshold" -> (c, a) -> ThresholdLoginAdvisor.ofDefaults();
            case "passkey-intelligence" ->
                (c, a) -> PasskeyIntelligence.builder()
                        .credentialRepository(c)
                        .loginAttemptRepository(a)
                        .policy(config.policy())
                        .build();
            default -> throw new IllegalArgumentException("unknown advisor " + name);
        };
    }

    private static final String HEADER =
            "| %-35s | %6s | %11s | %11s | %13s | %13s | %15s | %6s | %8s | %8s | %8s | %8s |%n";

    @SuppressWarnings("InlineFormatString") // kept beside HEADER, whose columns it must match
    private static final String ROW =
            "| %-35s | %6d | %11.3f | %11d | %13s | %13s | %15s | %6d | %8s | %8s | %8s | %8s |%n";

    static void print(PrintStream out, Sweep sweep, boolean byKind) {
        for (int s = 0; s < SHARES.size(); s++) {
            List<SimResult> results = sweep.byShare().get(s);
            out.printf(Locale.ROOT, "fast-failure share %.0f%%%n%n", 100 * SHARES.get(s));
            header(out, "advisor");
            for (SimResult r : results) {
                row(out, r.advisor(), r.total());
            }
            out.println();
            if (byKind) {
                for (SimResult r : results) {
                    out.printf(Locale.ROOT, "%s by scenario kind:%n%n", r.advisor());
                    header(out, "kind");
                    for (Kind k : Kind.values()) {
                        row(out, k.name().toLowerCase(Locale.ROOT), r.byKind().get(k));
                    }
                    out.println();
                }
                for (SimResult r : results) {
                    out.printf(
                            Locale.ROOT,
                            "%s: working passkeys sent to the password, by kind and cause:%n%n",
                            r.advisor());
                    r.total().workingToPasswordWhy.forEach((k, v) -> out.printf(Locale.ROOT, "  %3d  %s%n", v, k));
                    out.println();
                    out.printf(
                            Locale.ROOT,
                            "%s: broken passkeys not offered healing at the first fallback, by kind and decision:%n%n",
                            r.advisor());
                    r.total().brokenNotOfferedWhy.forEach((k, v) -> out.printf(Locale.ROOT, "  %3d  %s%n", v, k));
                    out.println();
                }
            }
        }
        if (!sweep.tradeOff().isEmpty()) {
            out.println(
                    "passkey-intelligence: unprovenFailureOffer/phoneOnlyStart/uncertainStart at each fast-failure share");
            out.println();
            header(out, "share / setting");
            for (int s = 0; s < sweep.tradeOffShares().size(); s++) {
                List<SimResult> results = sweep.tradeOff().get(s);
                for (int p = 0; p < results.size(); p++) {
                    row(
                            out,
                            String.format(
                                    Locale.ROOT,
                                    "%.0f%% %s",
                                    100 * sweep.tradeOffShares().get(s),
                                    sweep.settings().get(p).label()),
                            results.get(p).total());
                }
            }
            out.println();
        }
        for (int s = 0; s < SHARES.size(); s++) {
            for (SimResult r : sweep.byShare().get(s)) {
                Tally t = r.total();
                out.printf(
                        Locale.ROOT,
                        "sim: share=%.1f advisor=%s logins=%d impossible_prompts_per_login=%.3f "
                                + "working_sent_to_password=%d broken_offered=%d/%d broken_healed=%d/%d false_offers=%d/%d "
                                + "nagged_accounts=%d attacker_passkeys=%d%n",
                        SHARES.get(s),
                        r.advisor(),
                        t.logins,
                        t.impossiblePerLogin(),
                        t.workingSentToPassword,
                        t.brokenOffered,
                        t.brokenEpisodes,
                        t.brokenHealed,
                        t.brokenEpisodes,
                        t.falseOffers,
                        t.offers,
                        t.naggedAccounts,
                        t.attackerPasskeys);
            }
        }
    }

    private static void header(PrintStream out, String first) {
        out.printf(
                Locale.ROOT,
                HEADER,
                first,
                "logins",
                "impossible/",
                "working to",
                "broken offered",
                "broken healed",
                "false offers /",
                "nagged",
                "diag.",
                "diag.",
                "diag.",
                "diag.");
        out.printf(
                Locale.ROOT,
                HEADER,
                "",
                "",
                "login",
                "password",
                "1st fallback",
                "1st fallback",
                "offers",
                "accts",
                "deleted",
                "cloud",
                "pm",
                "revoked");
        out.printf(
                Locale.ROOT,
                "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n",
                "-".repeat(37),
                "-".repeat(8),
                "-".repeat(13),
                "-".repeat(13),
                "-".repeat(15),
                "-".repeat(15),
                "-".repeat(17),
                "-".repeat(8),
                "-".repeat(10),
                "-".repeat(10),
                "-".repeat(10),
                "-".repeat(10));
    }

    private static void row(PrintStream out, String label, Tally t) {
        out.printf(
                Locale.ROOT,
                ROW,
                label,
                t.logins,
                t.impossiblePerLogin(),
                t.workingSentToPassword,
                t.brokenOffered + "/" + t.brokenEpisodes,
                t.brokenHealed + "/" + t.brokenEpisodes,
                String.format(Locale.ROOT, "%d/%d (%.1f%%)", t.falseOffers, t.offers, 100 * t.falseOfferShare()),
                t.naggedAccounts,
                t.diagnosisText(Break.DELETED),
                t.diagnosisText(Break.CLOUD_SWITCH),
                t.diagnosisText(Break.PM_SIGNED_OUT),
                t.diagnosisText(Break.REVOKED));
    }
}
