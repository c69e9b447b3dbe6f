package dev.passkeyflow.core;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-kind cooldowns and unanswered-offer limits for passkey offers, applied by {@link LoginFlow}
 * on top of the advisor's decision. Counted per account and per device from
 * {@link dev.passkeyflow.storage.PasskeyEvent}s whose expiry is the cooldown itself, so every node
 * sharing the {@link dev.passkeyflow.storage.PasskeyEventRepository} applies the same cooldowns.
 *
 * <p>Each kind counts in one {@link Scope}: the account on every device, or the account on this
 * device. Another account's answers on the same device never count: on a shared computer one
 * person's "not now" must not silence, or reveal itself to, the next.
 *
 * <p>For each kind an offer is suppressed while, in its scope:
 * <ul>
 *   <li>a "not now" of that kind is younger than {@link Rule#afterDecline()};
 *   <li>a cancelled OS dialog (or a browser that declined a silent creation) of that kind is
 *       younger than {@link Rule#afterCancel()};
 *   <li>{@link Rule#maxUnanswered()} offers of that kind were shown within
 *       {@link Rule#unansweredWindow()} with no passkey created since (published guidance: at most 3
 *       consecutive prompts, then about 30 days; see the domain brief's "append" notes).
 * </ul>
 * {@link HealingKind#ENROLMENT} is never suppressed: the user asked for it.
 *
 * <pre>{@code
 * OfferCooldowns cooldowns = OfferCooldowns.ofDefaults().with(HealingKind.AFTER_HYBRID,
 *         new OfferCooldowns.Rule(Duration.ofDays(60), Duration.ofDays(7), 2, Duration.ofDays(60),
 *                 OfferCooldowns.Scope.ACCOUNT_ON_DEVICE));
 * }</pre>
 */
public final class OfferCooldowns {

    /** The longest cooldown or window accepted: 365 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    /** Where a kind's answers count. */
    public enum Scope {
        /** The account's answers on any device. */
        ACCOUNT,
        /** The account's answers on this device (by device id); on a client without one, as {@link #ACCOUNT}. */
        ACCOUNT_ON_DEVICE
    }

    /**
     * One kind's limits.
     *
     * @param afterDecline how long a "not now" suppresses this kind; zero for not at all
     * @param afterCancel how long a cancelled dialog suppresses this kind; zero for not at all
     * @param maxUnanswered how many offers of this kind may go unanswered (no passkey created) within
     *     {@code unansweredWindow}; 1 to 100
     * @param unansweredWindow how long a shown offer counts; positive
     * @param scope where answers count
     */
    public record Rule(
            Duration afterDecline, Duration afterCancel, int maxUnanswered, Duration unansweredWindow, Scope scope) {
        public Rule {
            Objects.requireNonNull(scope, "scope");
            nonNegative("afterDecline", afterDecline);
            nonNegative("afterCancel", afterCancel);
            nonNegative("unansweredWindow", unansweredWindow);
            if (unansweredWindow.isZero()) {
                throw new IllegalArgumentException("unansweredWindow must be positive, was " + unansweredWindow);
            }
            if (maxUnanswered < 1 || maxUnanswered > 100) {
                throw new IllegalArgumentException("maxUnanswered must be between 1 and 100, was " + maxUnanswered);
            }
        }

        private static void nonNegative(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DURATION + ", was " + value);
            }
        }
    }

    /** After an error: healing matters most, so a decline holds for a day and a cancel for an hour. */
    public static final Rule DEFAULT_AFTER_ERROR =
            new Rule(Duration.ofDays(1), Duration.ofHours(1), 3, Duration.ofDays(30), Scope.ACCOUNT_ON_DEVICE);
    /** After a hybrid (QR) login: a convenience, so a decline holds for 30 days. */
    public static final Rule DEFAULT_AFTER_HYBRID =
            new Rule(Duration.ofDays(30), Duration.ofDays(3), 3, Duration.ofDays(30), Scope.ACCOUNT_ON_DEVICE);
    /** After a login on a device that had no passkey of the account. */
    public static final Rule DEFAULT_AFTER_NO_CREDENTIAL =
            new Rule(Duration.ofDays(14), Duration.ofDays(3), 3, Duration.ofDays(30), Scope.ACCOUNT_ON_DEVICE);
    /** A first passkey. */
    public static final Rule DEFAULT_FIRST_PASSKEY =
            new Rule(Duration.ofDays(7), Duration.ofDays(1), 3, Duration.ofDays(30), Scope.ACCOUNT);
    /**
     * Another passkey on a new device: a decline holds for 7 days (as Passkey Intelligence's default
     * decline cooldown, so the two never disagree), three unanswered offers for 30.
     */
    public static final Rule DEFAULT_ADDITIONAL_PASSKEY =
            new Rule(Duration.ofDays(7), Duration.ofDays(3), 3, Duration.ofDays(30), Scope.ACCOUNT_ON_DEVICE);

    private static final OfferCooldowns DEFAULTS = new OfferCooldowns(Map.of(
            HealingKind.AFTER_ERROR, DEFAULT_AFTER_ERROR,
            HealingKind.AFTER_HYBRID, DEFAULT_AFTER_HYBRID,
            HealingKind.AFTER_NO_CREDENTIAL, DEFAULT_AFTER_NO_CREDENTIAL,
            HealingKind.FIRST_PASSKEY, DEFAULT_FIRST_PASSKEY,
            HealingKind.ADDITIONAL_PASSKEY, DEFAULT_ADDITIONAL_PASSKEY));

    private final Map<HealingKind, Rule> rules;

    private OfferCooldowns(Map<HealingKind, Rule> rules) {
        EnumMap<HealingKind, Rule> copy = new EnumMap<>(HealingKind.class);
        copy.putAll(rules);
        this.rules = copy;
    }

    /** The defaults above for every kind but {@link HealingKind#ENROLMENT}. */
    public static OfferCooldowns ofDefaults() {
        return DEFAULTS;
    }

    /**
     * A copy with another rule for one kind.
     *
     * @throws IllegalArgumentException for {@link HealingKind#ENROLMENT}, which has no cooldown
     */
    public OfferCooldowns with(HealingKind kind, Rule rule) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        if (kind.hostInitiated()) {
            throw new IllegalArgumentException(kind + " is asked for by the user and has no cooldown");
        }
        EnumMap<HealingKind, Rule> copy = new EnumMap<>(HealingKind.class);
        copy.putAll(rules);
        copy.put(kind, rule);
        return new OfferCooldowns(copy);
    }

    /** The rule of a kind; {@code null} for {@link HealingKind#ENROLMENT}. */
    public @org.jspecify.annotations.Nullable Rule rule(HealingKind kind) {
        return rules.get(Objects.requireNonNull(kind, "kind"));
    }

    @Override
    public String toString() {
        return "OfferCooldowns" + rules;
    }
}
