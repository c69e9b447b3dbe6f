package dev.passkeyflow.intelligence.sim;

import java.util.Locale;

/** What one advisor achieved on one scenario. */
record SimResult(String advisor, int logins, int completed, int failedPrompts, int brokenEpisodes,
        int brokenHealedFirstFallback, int falseHealOffers, int healingOffers, int heals, int diagnosed,
        int diagnosedCorrectly, int diagnosedAll, int diagnosedAllCorrectly, int passkeyLogins, int fallbackLogins,
        int newDeviceEpisodes, int newDeviceHealed, long millis) {

    double completedRate() {
        return ratio(completed, logins);
    }

    double failedPromptsPerLogin() {
        return ratio(failedPrompts, logins);
    }

    double brokenHealedRate() {
        return ratio(brokenHealedFirstFallback, brokenEpisodes);
    }

    double diagnosisAccuracy() {
        return ratio(diagnosedCorrectly, diagnosed);
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** The summary line in the format. */
    String simLine() {
        return String.format(Locale.ROOT,
                "sim: advisor=%s logins=%d completed=%.3f failed_prompts_per_login=%.3f "
                        + "broken_healed_first_fallback=%.3f false_heal_offers=%d diagnosis_accuracy=%.3f",
                advisor, logins, completedRate(), failedPromptsPerLogin(), brokenHealedRate(), falseHealOffers,
                diagnosisAccuracy());
    }
}
