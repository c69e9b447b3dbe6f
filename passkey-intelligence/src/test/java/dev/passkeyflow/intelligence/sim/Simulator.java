package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Replays one seeded population through {@code LoginFlow} with three advisors side by side and
 * prints a comparison table followed by one {@code sim:} line per advisor.
 *
 * <pre>
 * scripts/simulate [--seed N] [--users N]
 * </pre>
 */
public final class Simulator {

    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_USERS = 80;

    /** The advisors compared, in the order of the table. */
    static final List<String> ADVISORS = List.of("append-only-when-no-passkey", "threshold", "passkey-intelligence");

    private Simulator() {
    }

    public static void main(String[] args) throws Exception {
        long seed = DEFAULT_SEED;
        int users = DEFAULT_USERS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                case "--users" -> users = Integer.parseInt(value(args, ++i, "--users"));
                case "--help", "-h" -> {
                    System.out.println("usage: scripts/simulate [--seed N] [--users N]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: scripts/simulate [--seed N] [--users N]");
            }
        }
        if (users < 1 || users > 100_000) {
            throw new IllegalArgumentException("--users must be between 1 and 100000, was " + users);
        }
        long started = System.nanoTime();
        List<SimResult> results = run(seed, users);
        print(System.out, seed, users, results, (System.nanoTime() - started) / 1_000_000);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** Runs the three advisors on the same scenario, in parallel, each in its own world. */
    public static List<SimResult> run(long seed, int users) throws InterruptedException, ExecutionException {
        Scenario scenario = Scenario.generate(seed, users);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(3,
                Runtime.getRuntime().availableProcessors())));
        try {
            List<Future<SimResult>> futures = new ArrayList<>();
            for (String name : ADVISORS) {
                futures.add(pool.submit(() -> new SimWorld(name, scenario, advisor(name)).run()));
            }
            List<SimResult> results = new ArrayList<>();
            for (Future<SimResult> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static BiFunction<CredentialRepository, LoginAttemptRepository, LoginAdvisor> advisor(String name) {
        return switch (name) {
            case "append-only-when-no-passkey" -> (c, a) -> new PeerAdvisor();
            case "threshold" -> (c, a) -> ThresholdLoginAdvisor.ofDefaults();
            case "passkey-intelligence" -> (c, a) -> PasskeyIntelligence.builder()
                    .credentialRepository(c).loginAttemptRepository(a).build();
            default -> throw new IllegalArgumentException("unknown advisor " + name);
        };
    }

    static void print(PrintStream out, long seed, int users, List<SimResult> results, long millis) {
        out.printf(Locale.ROOT, "passkeyflow simulation: seed=%d users=%d (%d ms)%n%n", seed, users, millis);
        out.printf(Locale.ROOT, "| %-28s | %6s | %9s | %13s | %14s | %13s | %12s | %10s | %14s | %10s |%n",
                "advisor", "logins", "completed", "failed/login", "broken healed", "false offers", "diag. acc.",
                "diag. all", "new dev. healed", "passkey %");
        out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(30), "-".repeat(8), "-".repeat(11),
                "-".repeat(15), "-".repeat(16), "-".repeat(15), "-".repeat(14), "-".repeat(12), "-".repeat(17),
                "-".repeat(12));
        for (SimResult r : results) {
            out.printf(Locale.ROOT, "| %-28s | %6d | %9.3f | %13.3f | %14s | %13s | %12s | %10s | %15s | %10.1f |%n",
                    r.advisor(), r.logins(), r.completedRate(), r.failedPromptsPerLogin(),
                    r.brokenHealedFirstFallback() + "/" + r.brokenEpisodes(),
                    r.falseHealOffers() + " of " + r.healingOffers(),
                    r.diagnosedCorrectly() + "/" + r.diagnosed(),
                    r.diagnosedAllCorrectly() + "/" + r.diagnosedAll(),
                    r.newDeviceHealed() + "/" + r.newDeviceEpisodes(),
                    100.0 * SimResult.ratio(r.passkeyLogins(), r.logins()));
        }
        out.println();
        for (SimResult r : results) {
            out.println(r.simLine());
        }
    }
}
