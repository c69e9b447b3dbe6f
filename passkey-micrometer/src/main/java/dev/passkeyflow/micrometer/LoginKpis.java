package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Login KPIs over a set of login flows, computed from the flows' {@link LoginFlowEvent}s
 * ({@link #fromEvents}) or, with less detail, from stored {@link LoginAttempt} history
 * ({@link #fromAttempts}).
 *
 * <p>Counts are of <b>login flows</b> (started with {@code LoginFlow.start}); flows started with
 * {@code LoginFlow.enrol} (a signed-in user adding a passkey) are left out. A flow may count in
 * several fallback counts, e.g. a calm retry, a manual fallback and later a failure.
 *
 * <p><b>Heal</b> is an offer of kind {@link HealingKind#AFTER_ERROR} (passkey logins failed in the
 * flow); <b>append</b> is an offer of any other kind in a login flow (a first passkey after a
 * password login, a local passkey after a hybrid login). An offer is <b>accepted</b> when the
 * browser ceremony ran (healed, already existed, cancelled in the OS dialog, or failed) and not
 * when the user declined it or left; it is <b>completed</b> when a new passkey was stored
 * ({@link HealingResult#HEALED}).
 *
 * <p>A <b>silent upgrade</b> is an offer made silently ({@code LoginStep.HealingOffer.silent()}: the
 * client reported {@code conditionalCreate}, so the page calls {@code navigator.credentials.create()}
 * with {@code mediation: "conditional"} right after the password login; docs/passkey-modes.md). It is
 * <b>created</b> when the browser made the passkey without a dialog ({@link LoginFlowEvent.Healed}
 * with {@link HealingPath#SILENT}); such a flow also counts as a completed heal or append of its
 * offer's kind. It is <b>attempted</b> when the flow made the silent offer
 * ({@link LoginFlowEvent.HealingOffered#silent()}).
 *
 * @param source where the counts come from
 * @param unobserved the counts {@code source} cannot see; they are 0, and every rate built on one is empty
 * @param loginFlowsStarted login flows started
 * @param passkeyLogins login flows completed with a passkey
 * @param fallbackLogins login flows completed with the host's traditional login
 * @param fallbackNoPasskey flows that went to the traditional login at the start because the account
 *     has no usable passkey or the identifier is unknown (the two look the same to the user)
 * @param fallbackPasskeyUnavailable flows that went to the traditional login at the start although the
 *     account has a usable passkey: the advisor judged it unavailable on this device or environment
 * @param fallbackAfterPasskeyFailure flows that fell back after failed passkey attempts
 * @param manualFallback flows in which the user chose the traditional login instead of the passkey
 * @param healOffered heal offers shown
 * @param healAccepted heal offers accepted
 * @param healCompleted heal offers that stored a new passkey
 * @param appendOffered append offers shown
 * @param appendCompleted append offers that stored a new passkey
 * @param silentUpgradesAttempted offers handed to the browser silently (conditional create)
 * @param silentUpgradesCreated passkeys the browser created silently
 */
public record LoginKpis(
        Source source,
        Set<Count> unobserved,
        long loginFlowsStarted,
        long passkeyLogins,
        long fallbackLogins,
        long fallbackNoPasskey,
        long fallbackPasskeyUnavailable,
        long fallbackAfterPasskeyFailure,
        long manualFallback,
        long healOffered,
        long healAccepted,
        long healCompleted,
        long appendOffered,
        long appendCompleted,
        long silentUpgradesAttempted,
        long silentUpgradesCreated) {

    /**
     * The decision tag with which the built-in advisors ({@code ThresholdLoginAdvisor},
     * {@code PasskeyIntelligence}) say that the account has no usable passkey.
     */
    public static final String NO_PASSKEY_TAG = "user-has-no-passkeys"; // DecisionTag.USER_HAS_NO_PASSKEYS.text()

    /** Where a {@link LoginKpis} comes from. */
    public enum Source {
        /** {@link LoginFlowEvent}s: every count is observed. */
        EVENTS,
        /**
         * {@link LoginAttempt} history: no flow starts, no fallback reasons and no offers are stored, only
         * outcomes (and only for known accounts), so those counts are unobserved.
         */
        ATTEMPTS
    }

    /** The counts, for {@link #unobserved()}. */
    public enum Count {
        LOGIN_FLOWS_STARTED,
        PASSKEY_LOGINS,
        FALLBACK_LOGINS,
        FALLBACK_NO_PASSKEY,
        FALLBACK_PASSKEY_UNAVAILABLE,
        FALLBACK_AFTER_PASSKEY_FAILURE,
        MANUAL_FALLBACK,
        HEAL_OFFERED,
        HEAL_ACCEPTED,
        HEAL_COMPLETED,
        APPEND_OFFERED,
        APPEND_COMPLETED,
        SILENT_UPGRADES_ATTEMPTED,
        SILENT_UPGRADES_CREATED
    }

    private static final Set<Count> NOT_IN_ATTEMPTS = Set.copyOf(EnumSet.of(
            Count.LOGIN_FLOWS_STARTED,
            Count.FALLBACK_NO_PASSKEY,
            Count.FALLBACK_PASSKEY_UNAVAILABLE,
            Count.FALLBACK_AFTER_PASSKEY_FAILURE,
            Count.MANUAL_FALLBACK,
            Count.HEAL_OFFERED,
            Count.APPEND_OFFERED,
            Count.APPEND_COMPLETED,
            Count.SILENT_UPGRADES_ATTEMPTED,
            Count.SILENT_UPGRADES_CREATED));

    static final Set<HealingResult> ACCEPTED = EnumSet.of(
            HealingResult.HEALED, HealingResult.ALREADY_EXISTED, HealingResult.CANCELLED, HealingResult.FAILED);

    public LoginKpis {
        Objects.requireNonNull(source, "source");
        unobserved = unobserved.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unobserved));
        long[] counts = {
            loginFlowsStarted,
            passkeyLogins,
            fallbackLogins,
            fallbackNoPasskey,
            fallbackPasskeyUnavailable,
            fallbackAfterPasskeyFailure,
            manualFallback,
            healOffered,
            healAccepted,
            healCompleted,
            appendOffered,
            appendCompleted,
            silentUpgradesAttempted,
            silentUpgradesCreated
        };
        for (long count : counts) {
            if (count < 0) {
                throw new IllegalArgumentException("counts must not be negative, was " + count);
            }
        }
    }

    /**
     * The KPIs without the silent-upgrade counts (they are 0 and unobserved), as before those counts
     * existed.
     */
    public LoginKpis(
            Source source,
            Set<Count> unobserved,
            long loginFlowsStarted,
            long passkeyLogins,
            long fallbackLogins,
            long fallbackNoPasskey,
            long fallbackPasskeyUnavailable,
            long fallbackAfterPasskeyFailure,
            long manualFallback,
            long healOffered,
            long healAccepted,
            long healCompleted,
            long appendOffered,
            long appendCompleted) {
        this(
                source,
                withSilentUnobserved(unobserved),
                loginFlowsStarted,
                passkeyLogins,
                fallbackLogins,
                fallbackNoPasskey,
                fallbackPasskeyUnavailable,
                fallbackAfterPasskeyFailure,
                manualFallback,
                healOffered,
                healAccepted,
                healCompleted,
                appendOffered,
                appendCompleted,
                0,
                0);
    }

    private static Set<Count> withSilentUnobserved(Set<Count> unobserved) {
        EnumSet<Count> all = EnumSet.of(Count.SILENT_UPGRADES_ATTEMPTED, Count.SILENT_UPGRADES_CREATED);
        all.addAll(unobserved);
        return all;
    }

    /** Login flows completed (by passkey or traditional login). */
    public long loginsCompleted() {
        return passkeyLogins + fallbackLogins;
    }

    /** Completed login flows per started login flow (0 to 1); empty when none started or not observed. */
    public OptionalDouble loginSuccessRate() {
        return rate(loginsCompleted(), loginFlowsStarted, Count.LOGIN_FLOWS_STARTED);
    }

    /** Passkey logins per completed login (0 to 1); empty when none completed. */
    public OptionalDouble passkeyLoginRate() {
        return rate(passkeyLogins, loginsCompleted(), Count.PASSKEY_LOGINS);
    }

    /** Accepted heal offers per heal offer (0 to 1); empty when none was offered or offers are not observed. */
    public OptionalDouble healAcceptanceRate() {
        return rate(healAccepted, healOffered, Count.HEAL_OFFERED);
    }

    /** Completed heals per heal offer (0 to 1); empty when none was offered or offers are not observed. */
    public OptionalDouble healCompletionRate() {
        return rate(healCompleted, healOffered, Count.HEAL_OFFERED);
    }

    /**
     * Silently created passkeys per silent offer (0 to 1); empty when none was made or attempts are
     * not observed (see {@link #fromEvents(Collection, Set)}).
     */
    public OptionalDouble silentUpgradeRate() {
        return rate(silentUpgradesCreated, silentUpgradesAttempted, Count.SILENT_UPGRADES_ATTEMPTED);
    }

    private OptionalDouble rate(long part, long whole, Count needed) {
        if (whole == 0 || unobserved.contains(needed)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) part / whole);
    }

    /**
     * KPIs of the login flows whose {@link LoginFlowEvent.FlowStarted} is among {@code events}; the
     * other events of a flow may come in any order, but a flow's events must all be there to be
     * counted fully (so take events of a window longer than the flow time to live, or of flows
     * already finished). Events of flows without a start (enrolments, or flows started before the
     * window) are ignored.
     */
    public static LoginKpis fromEvents(Collection<? extends LoginFlowEvent> events) {
        return EventTally.tally(events, Set.of());
    }

    /**
     * {@link #fromEvents(Collection)}, also counting as attempted silent upgrades the flows among
     * {@code silentOfferFlowIds} (ids of flows in which the host saw a silent
     * {@code LoginStep.HealingOffer}): for events recorded before {@link LoginFlowEvent.HealingOffered}
     * said whether an offer was silent. Ids of flows not started among {@code events} are ignored, as
     * their other events are.
     */
    public static LoginKpis fromEvents(Collection<? extends LoginFlowEvent> events, Set<String> silentOfferFlowIds) {
        return EventTally.tally(events, Set.copyOf(silentOfferFlowIds));
    }

    /**
     * KPIs from stored attempts, e.g. of several users read with
     * {@link dev.passkeyflow.storage.LoginAttemptRepository#recentByUser}. Counts passkey logins
     * ({@code SUCCEEDED}), traditional logins of known accounts ({@code FALLBACK_SUCCEEDED}) and the
     * answers to heal offers (registration outcomes with offer kind {@code AFTER_ERROR}); everything
     * else is in {@link #unobserved()}. Each attempt must appear once: pass attempts read per user,
     * not per user and per device.
     */
    public static LoginKpis fromAttempts(Collection<LoginAttempt> attempts) {
        long passkey = 0, fallback = 0, healAccepted = 0, healCompleted = 0;
        for (LoginAttempt attempt : attempts) {
            AttemptOutcome outcome = attempt.outcome();
            if (outcome == AttemptOutcome.SUCCEEDED) {
                passkey++;
            } else if (outcome == AttemptOutcome.FALLBACK_SUCCEEDED) {
                fallback++;
            } else if (outcome.ceremony() == AttemptOutcome.Ceremony.REGISTRATION
                    && HealingKind.AFTER_ERROR.name().equals(attempt.offerKind())
                    && outcome != AttemptOutcome.REGISTRATION_DECLINED) {
                healAccepted++;
                healCompleted += outcome == AttemptOutcome.REGISTERED ? 1 : 0;
            }
        }
        return new LoginKpis(
                Source.ATTEMPTS,
                NOT_IN_ATTEMPTS,
                0,
                passkey,
                fallback,
                0,
                0,
                0,
                0,
                0,
                healAccepted,
                healCompleted,
                0,
                0,
                0,
                0);
    }

    /**
     * {@link #fromAttempts} over the history of the given accounts in a
     * {@link LoginAttemptRepository}: each account's attempts at or after {@code since}, at most
     * {@code limitPerUser} of them (the newest).
     *
     * @throws IllegalArgumentException if {@code limitPerUser} is not positive
     */
    public static LoginKpis fromHistory(
            LoginAttemptRepository repository, Collection<Bytes> userHandles, Instant since, int limitPerUser) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(since, "since");
        if (limitPerUser < 1) {
            throw new IllegalArgumentException("limitPerUser must be positive, was " + limitPerUser);
        }
        List<LoginAttempt> attempts = new ArrayList<>();
        for (Bytes userHandle : Set.copyOf(userHandles)) {
            attempts.addAll(repository.recentByUser(userHandle, since, limitPerUser));
        }
        return fromAttempts(attempts);
    }
}
