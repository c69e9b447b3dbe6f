package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.intelligence.sim.Scenario.Break;

/**
 * The counters of one advisor on one scenario kind (or on all of them). A mutable accumulator used
 * by one {@link SimWorld} thread; {@link #plus} makes the totals.
 */
final class Tally {

    /** Index into {@link #diagnosis}: the flow named the true cause, no cause, or another cause. */
    static final int CORRECT = 0;

    static final int UNKNOWN = 1;
    static final int WRONG = 2;

    int users;
    int logins;
    int completed;
    /** Prompts the person saw (modal, or immediate UI mode that showed UI). */
    int prompts;
    /** Prompts where neither this device nor the user's phone by QR code held a usable passkey. */
    int impossiblePrompts;
    /** Logins where a usable passkey was reachable (here or by QR code) that ended with the password. */
    int workingSentToPassword;

    int passkeyLogins;
    int hybridLogins;
    /** Broken passkeys: first fallback on a device (that can create one) after it lost its usable passkey. */
    int brokenEpisodes;

    int brokenOffered;
    int brokenHealed;
    int offers;
    /** Offers shown while this device held a usable passkey of the user. */
    int falseOffers;

    int created;
    int alreadyExisted;
    /** Accounts with more than 3 declined or cancelled offers in a row, none 30 days or more after the previous one. */
    int naggedAccounts;

    int attackerLogins;
    int attackerOffers;
    int attackerPasskeys;
    final int[][] diagnosis = new int[Break.values().length][3];
    /** Working passkeys sent to the password, by scenario kind and cause (how the login started, what followed). */
    final java.util.Map<String, Integer> workingToPasswordWhy = new java.util.TreeMap<>();

    void workingToPasswordWhy(Scenario.Kind kind, String why) {
        workingToPasswordWhy.merge(kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + why, 1, Integer::sum);
    }

    /** Broken passkeys not offered healing at the first fallback, by scenario kind and the no-offer decision's tags. */
    final java.util.Map<String, Integer> brokenNotOfferedWhy = new java.util.TreeMap<>();

    void brokenNotOfferedWhy(Scenario.Kind kind, String why) {
        brokenNotOfferedWhy.merge(kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + why, 1, Integer::sum);
    }

    void plus(Tally o) {
        users += o.users;
        logins += o.logins;
        completed += o.completed;
        prompts += o.prompts;
        impossiblePrompts += o.impossiblePrompts;
        workingSentToPassword += o.workingSentToPassword;
        passkeyLogins += o.passkeyLogins;
        hybridLogins += o.hybridLogins;
        brokenEpisodes += o.brokenEpisodes;
        brokenOffered += o.brokenOffered;
        brokenHealed += o.brokenHealed;
        offers += o.offers;
        falseOffers += o.falseOffers;
        created += o.created;
        alreadyExisted += o.alreadyExisted;
        naggedAccounts += o.naggedAccounts;
        attackerLogins += o.attackerLogins;
        attackerOffers += o.attackerOffers;
        attackerPasskeys += o.attackerPasskeys;
        o.workingToPasswordWhy.forEach((k, v) -> workingToPasswordWhy.merge(k, v, Integer::sum));
        o.brokenNotOfferedWhy.forEach((k, v) -> brokenNotOfferedWhy.merge(k, v, Integer::sum));
        for (int c = 0; c < diagnosis.length; c++) {
            for (int k = 0; k < 3; k++) {
                diagnosis[c][k] += o.diagnosis[c][k];
            }
        }
    }

    double impossiblePerLogin() {
        return ratio(impossiblePrompts, logins);
    }

    double brokenOfferedRate() {
        return ratio(brokenOffered, brokenEpisodes);
    }

    double falseOfferShare() {
        return ratio(falseOffers, offers);
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    @SuppressWarnings("EnumOrdinal") // the ordinal indexes a fixed tally array sized by values().length
    String diagnosisText(Break cause) {
        int[] d = diagnosis[cause.ordinal()];
        return d[CORRECT] + "/" + d[UNKNOWN] + "/" + d[WRONG];
    }
}
