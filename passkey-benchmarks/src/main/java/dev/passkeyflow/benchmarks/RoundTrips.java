package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
import java.util.Locale;
import java.util.Objects;

/**
 * Prints how many database round trips one passkey login (start plus finish) makes on each JDBC
 * database of this run: {@code h2_round_trips_per_login} always, {@code pg_round_trips_per_login}
 * when {@value Deployment#PG_URL_ENV} names a PostgreSQL database. A property file on standard
 * output, read by {@link BenchReport}.
 */
public final class RoundTrips {

    private static final int WARM_UP = 20;
    private static final int LOGINS = 200;

    private RoundTrips() {}

    public static void main(String[] args) {
        print("h2", "h2_round_trips_per_login");
        String pg = System.getenv(Deployment.PG_URL_ENV);
        if (pg != null && !pg.isBlank()) {
            print("postgresql", "pg_round_trips_per_login");
        }
    }

    private static void print(String database, String property) {
        Deployment deployment = Deployment.jdbc(database, Advisors.named("default"));
        try {
            LoginDriver driver = new LoginDriver(deployment, "roundtrips");
            RoundTripCounter counter = Objects.requireNonNull(deployment.roundTrips);
            for (int i = 0; i < WARM_UP; i++) {
                login(deployment, driver);
            }
            counter.reset();
            for (int i = 0; i < LOGINS; i++) {
                login(deployment, driver);
            }
            System.out.printf(Locale.ROOT, "%s=%.1f%n", property, (double) counter.count() / LOGINS);
        } finally {
            deployment.close();
        }
    }

    private static void login(Deployment deployment, LoginDriver driver) {
        LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) driver.start();
        LoginStep done = deployment.flow.finishPasskey(challenge.flowId(), driver.answer(challenge));
        if (!(done instanceof LoginStep.Completed)) {
            throw new IllegalStateException("expected completion, got " + done);
        }
    }
}
