package dev.passkeyflow.intelligence;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of {@link PasskeyIntelligence}: when to start a passkey login, when to fall back, when
 * to offer a new passkey and what becomes of the one it replaces. Immutable and thread-safe.
 *
 * <pre>{@code
 * AutoHealingPolicy policy = AutoHealingPolicy.custom()
 *         .failuresBeforeFallback(2)
 *         .cooldownAfterDecline(Duration.ofDays(14))
 *         .build();
 * }</pre>
 *
 * <p>Every setter validates its argument and names a bad value in its message. The defaults follow
 * the published guidance: fall back after at most two failed attempts, the first cancel is a calm
 * retry, at most three consecutive creation prompts and then about 30 days of quiet, and never
 * revoke an old passkey silently.
 *
 * <p>A little over the project's 400 lines: one validated configuration with its builder and the
 * javadoc of every setting (units, defaults, sources), a third of the file.
 */
public final class AutoHealingPolicy {

    /** What happens to the credentials a new passkey replaces (the ones gone from this device). */
    public enum ReplacedCredentialHandling {
        /** Keep them usable and mark them {@code SUSPECTED_BROKEN}: they may still work elsewhere. */
        FLAG,
        /**
         * Retire them, but only when the diagnosis is {@code PASSKEY_DELETED_LOCALLY} with high
         * confidence and no other device used them within {@link #retireOnlyIfUnusedElsewhereFor()};
         * otherwise flag them.
         */
        RETIRE_WHEN_CERTAIN
    }

    /**
     * When a flow whose passkey prompts all failed, followed by a good traditional login, gets an
     * after-error offer although nothing but the failures says the passkey is gone (no immediate UI
     * mode rejection, no {@code InvalidStateError} proof either way). Where the browser hides
     * "no credential here" behind a sheet, a deleted passkey and a person who dismissed a working
     * passkey's prompt look the same at that point: this setting chooses between healing at the first
     * fallback and fewer offers to people whose passkey works (docs/simulation.md has the measured
     * trade-off).
     */
    public enum UnprovenFailureOffer {
        /** Offer at the first such fallback: the offer is the probe (an unneeded one is answered {@code InvalidStateError}). */
        AT_FIRST_FALLBACK,
        /** Offer only when this device also had failed prompts in an earlier flow since its last passkey success. */
        AFTER_REPEATED_FAILURE,
        /** Never without proof: only an immediate UI mode rejection (or the device's history) justifies the offer. */
        NEVER
    }

    /**
     * How a login starts on a device that cannot hold any of the user's passkeys itself but may reach
     * one on a phone (hybrid, the browser's QR code): the browser's sheet at once, or a button first.
     * An automatic start sends fewer working passkeys to the password (nobody has to click) and
     * shows more prompts that cannot succeed (whoever has no phone at hand must dismiss the sheet);
     * docs/simulation.md has the measured trade-off.
     */
    public enum PhoneOnlyStart {
        /** A passkey button; the sheet with the QR code opens when the user clicks (issue #13, case 5). */
        BUTTON,
        /** Start the ceremony at once: the browser's sheet shows the QR code. */
        ATTEMPT_AUTOMATICALLY,
        /**
         * A button until the user has signed in on this device through another device's authenticator
         * ({@code authenticatorAttachment: cross-platform}, e.g. a phone by QR code) at least
         * {@link AutoHealingPolicy#REPEATED_CROSS_DEVICE_SUCCESSES} times within
         * {@link AutoHealingPolicy#historyWindow()}, and either more often than flows here ended with
         * the traditional login after failed prompts, or fewer than two such flows followed the newest
         * of them; then start at once. One such sign-in may have been a borrowed phone (issue #13, case
         * 5); repeated ones that outweigh the failures, or the newest not followed by repeated failures,
         * show that the sheet's QR code is how this person signs in here.
         */
        ATTEMPT_AFTER_REPEATED_CROSS_DEVICE
    }

    /**
     * How a login starts on a device without history of the user's passkeys where one of them may or
     * may not be present: a password manager's passkey (installed on some of the user's devices, not
     * necessarily this one), a synced passkey outside its provider's home platforms, or a passkey created
     * on a client of this platform whose device id has not been seen since (a browser that deletes
     * its cookies, a private window, or a second device of the same platform). Where the browser has
     * immediate UI mode, it answers the question without a prompt that is bound to fail, whatever this
     * setting. A button sends the people who do not click it to the traditional login although their
     * passkey would have worked; an automatic start shows a prompt that cannot succeed where the
     * passkey is not there. docs/simulation.md has the measured trade-off.
     */
    public enum UncertainStart {
        /** A passkey button; the ceremony starts when the user clicks. */
        BUTTON,
        /** Start the ceremony at once; where the passkey is not here, the person dismisses the sheet. */
        ATTEMPT_AUTOMATICALLY
    }

    /** Cross-device sign-ins on a device from which {@link PhoneOnlyStart#ATTEMPT_AFTER_REPEATED_CROSS_DEVICE} may start at once. */
    public static final int REPEATED_CROSS_DEVICE_SUCCESSES = 2;

    public static final int DEFAULT_FAILURES_BEFORE_FALLBACK = 2;
    public static final boolean DEFAULT_FIRST_CANCEL_COUNTS = true;
    public static final boolean DEFAULT_FALL_BACK_AT_ONCE_WHEN_PASSKEY_ABSENT = true;
    public static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofDays(90);
    public static final int DEFAULT_HISTORY_LIMIT = 100;
    public static final boolean DEFAULT_SKIP_AUTO_START_ON_NEGATIVE_HISTORY = true;
    public static final Duration DEFAULT_NEGATIVE_HISTORY_DURATION = Duration.ofDays(30);
    public static final Duration DEFAULT_IMMEDIATE_FAILURE_THRESHOLD = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT_LIKE_THRESHOLD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_COOLDOWN_AFTER_DECLINE = Duration.ofDays(7);
    public static final Duration DEFAULT_COOLDOWN_AFTER_CANCELLED_CREATION = Duration.ofDays(1);
    public static final int DEFAULT_MAX_CONSECUTIVE_OFFERS = 3;
    public static final Duration DEFAULT_COOLDOWN_AFTER_MAX_OFFERS = Duration.ofDays(30);
    public static final boolean DEFAULT_REQUIRE_LOCAL_CREATE_CAPABILITY = true;
    public static final ReplacedCredentialHandling DEFAULT_REPLACED_CREDENTIAL_HANDLING =
            ReplacedCredentialHandling.FLAG;
    public static final Duration DEFAULT_RETIRE_ONLY_IF_UNUSED_ELSEWHERE_FOR = Duration.ofDays(30);
    public static final UnprovenFailureOffer DEFAULT_UNPROVEN_FAILURE_OFFER = UnprovenFailureOffer.AT_FIRST_FALLBACK;
    public static final PhoneOnlyStart DEFAULT_PHONE_ONLY_START = PhoneOnlyStart.ATTEMPT_AFTER_REPEATED_CROSS_DEVICE;
    public static final UncertainStart DEFAULT_UNCERTAIN_START = UncertainStart.ATTEMPT_AUTOMATICALLY;

    private static final AutoHealingPolicy DEFAULTS = new Builder().build();

    private final int failuresBeforeFallback;
    private final boolean firstCancelCounts;
    private final boolean fallBackAtOnceWhenPasskeyAbsent;
    private final Duration historyWindow;
    private final int historyLimit;
    private final boolean skipAutoStartOnNegativeHistory;
    private final Duration negativeHistoryDuration;
    private final Duration immediateFailureThreshold;
    private final Duration timeoutLikeThreshold;
    private final Duration cooldownAfterDecline;
    private final Duration cooldownAfterCancelledCreation;
    private final int maxConsecutiveOffers;
    private final Duration cooldownAfterMaxOffers;
    private final boolean requireLocalCreateCapability;
    private final ReplacedCredentialHandling replacedCredentialHandling;
    private final Duration retireOnlyIfUnusedElsewhereFor;
    private final UnprovenFailureOffer unprovenFailureOffer;
    private final PhoneOnlyStart phoneOnlyStart;
    private final UncertainStart uncertainStart;

    private AutoHealingPolicy(Builder b) {
        this.failuresBeforeFallback = b.failuresBeforeFallback;
        this.firstCancelCounts = b.firstCancelCounts;
        this.fallBackAtOnceWhenPasskeyAbsent = b.fallBackAtOnceWhenPasskeyAbsent;
        this.historyWindow = b.historyWindow;
        this.historyLimit = b.historyLimit;
        this.skipAutoStartOnNegativeHistory = b.skipAutoStartOnNegativeHistory;
        this.negativeHistoryDuration = b.negativeHistoryDuration;
        this.immediateFailureThreshold = b.immediateFailureThreshold;
        this.timeoutLikeThreshold = b.timeoutLikeThreshold;
        this.cooldownAfterDecline = b.cooldownAfterDecline;
        this.cooldownAfterCancelledCreation = b.cooldownAfterCancelledCreation;
        this.maxConsecutiveOffers = b.maxConsecutiveOffers;
        this.cooldownAfterMaxOffers = b.cooldownAfterMaxOffers;
        this.requireLocalCreateCapability = b.requireLocalCreateCapability;
        this.replacedCredentialHandling = b.replacedCredentialHandling;
        this.retireOnlyIfUnusedElsewhereFor = b.retireOnlyIfUnusedElsewhereFor;
        this.unprovenFailureOffer = b.unprovenFailureOffer;
        this.phoneOnlyStart = b.phoneOnlyStart;
        this.uncertainStart = b.uncertainStart;
    }

    /** The policy with every default. */
    public static AutoHealingPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(AutoHealingPolicy base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** Consecutive failed passkey attempts after which the flow falls back (default 2). */
    public int failuresBeforeFallback() {
        return failuresBeforeFallback;
    }

    /**
     * Whether the first cancel of a run counts toward {@link #failuresBeforeFallback()} (default
     * true: cancel, calm retry, cancel again, fall back). When false the first cancel is free.
     */
    public boolean firstCancelCounts() {
        return firstCancelCounts;
    }

    /**
     * Whether a failure goes straight to the traditional login when the evidence shows that no
     * passkey of the user is on this device (default true): e.g. an immediate {@code NotAllowedError}
     * on a device whose passkey worked before and that no other device used since, or on a device
     * that never completed a passkey login. This saves a retry that is bound to fail. When false,
     * such a failure is counted like any cancel: the user gets the calm retry first and falls back
     * after {@link #failuresBeforeFallback()} failures. Server-side rejections and SecurityError
     * fall back at once either way.
     */
    public boolean fallBackAtOnceWhenPasskeyAbsent() {
        return fallBackAtOnceWhenPasskeyAbsent;
    }

    /** How far back decisions read login history (default 90 days). */
    public Duration historyWindow() {
        return historyWindow;
    }

    /** The most attempts one history query returns (default 100): decisions never read more. */
    public int historyLimit() {
        return historyLimit;
    }

    /**
     * Whether a device whose passkey is evidently gone (it failed there and has not succeeded since)
     * is spared the automatic start (default true): it goes straight to the traditional login where
     * immediate UI mode proved the passkey absent, and gets a button where only two failed flows
     * suggest it (a person who twice dismissed a working passkey's prompt leaves the same history).
     * A client with immediate UI mode is asked that first (outside the browser's rate window), and a
     * device that reaches the passkey only by phone starts by {@link #phoneOnlyStart()}.
     */
    public boolean skipAutoStartOnNegativeHistory() {
        return skipAutoStartOnNegativeHistory;
    }

    /** How long such negative history is honoured after the last failure (default 30 days). */
    public Duration negativeHistoryDuration() {
        return negativeHistoryDuration;
    }

    /**
     * A browser failure faster than this looks like "no credential here" rather than a person
     * dismissing the dialog (default 1 s). Weak evidence on its own.
     */
    public Duration immediateFailureThreshold() {
        return immediateFailureThreshold;
    }

    /** A browser failure slower than this looks like a timeout (default 30 s). */
    public Duration timeoutLikeThreshold() {
        return timeoutLikeThreshold;
    }

    /** No new offer on a device for this long after the user declined one (default 7 days). */
    public Duration cooldownAfterDecline() {
        return cooldownAfterDecline;
    }

    /** No new offer on a device for this long after the user cancelled the OS dialog (default 1 day). */
    public Duration cooldownAfterCancelledCreation() {
        return cooldownAfterCancelledCreation;
    }

    /** Offers declined or cancelled in a row after which the long cooldown starts (default 3). */
    public int maxConsecutiveOffers() {
        return maxConsecutiveOffers;
    }

    /** The long cooldown after {@link #maxConsecutiveOffers()} unanswered offers (default 30 days). */
    public Duration cooldownAfterMaxOffers() {
        return cooldownAfterMaxOffers;
    }

    /** Whether an offer needs a client that reported it can create a passkey locally (default true). */
    public boolean requireLocalCreateCapability() {
        return requireLocalCreateCapability;
    }

    /** What happens to replaced credentials (default {@link ReplacedCredentialHandling#FLAG}). */
    public ReplacedCredentialHandling replacedCredentialHandling() {
        return replacedCredentialHandling;
    }

    /** For {@link ReplacedCredentialHandling#RETIRE_WHEN_CERTAIN}: no other device may have used it this long (default 30 days). */
    public Duration retireOnlyIfUnusedElsewhereFor() {
        return retireOnlyIfUnusedElsewhereFor;
    }

    /** When failed prompts without proof lead to an after-error offer (default {@link UnprovenFailureOffer#AT_FIRST_FALLBACK}). */
    public UnprovenFailureOffer unprovenFailureOffer() {
        return unprovenFailureOffer;
    }

    /**
     * How a login starts where the passkey can only come from a phone (default
     * {@link PhoneOnlyStart#ATTEMPT_AFTER_REPEATED_CROSS_DEVICE}).
     */
    public PhoneOnlyStart phoneOnlyStart() {
        return phoneOnlyStart;
    }

    /**
     * How a login starts on a device without history where a passkey of the user may or may not be
     * present (default {@link UncertainStart#ATTEMPT_AUTOMATICALLY}).
     */
    public UncertainStart uncertainStart() {
        return uncertainStart;
    }

    @Override
    public String toString() {
        return "AutoHealingPolicy[failuresBeforeFallback=" + failuresBeforeFallback
                + ", firstCancelCounts=" + firstCancelCounts
                + ", fallBackAtOnceWhenPasskeyAbsent=" + fallBackAtOnceWhenPasskeyAbsent
                + ", historyWindow=" + historyWindow
                + ", historyLimit=" + historyLimit
                + ", skipAutoStartOnNegativeHistory=" + skipAutoStartOnNegativeHistory
                + ", negativeHistoryDuration=" + negativeHistoryDuration
                + ", immediateFailureThreshold=" + immediateFailureThreshold
                + ", timeoutLikeThreshold=" + timeoutLikeThreshold
                + ", cooldownAfterDecline=" + cooldownAfterDecline
                + ", cooldownAfterCancelledCreation=" + cooldownAfterCancelledCreation
                + ", maxConsecutiveOffers=" + maxConsecutiveOffers
                + ", cooldownAfterMaxOffers=" + cooldownAfterMaxOffers
                + ", requireLocalCreateCapability=" + requireLocalCreateCapability
                + ", replacedCredentialHandling=" + replacedCredentialHandling
                + ", retireOnlyIfUnusedElsewhereFor=" + retireOnlyIfUnusedElsewhereFor
                + ", unprovenFailureOffer=" + unprovenFailureOffer
                + ", phoneOnlyStart=" + phoneOnlyStart
                + ", uncertainStart=" + uncertainStart + "]";
    }

    /** Builds an {@link AutoHealingPolicy}; each setter validates and names a bad value. */
    public static final class Builder {

        private int failuresBeforeFallback = DEFAULT_FAILURES_BEFORE_FALLBACK;
        private boolean firstCancelCounts = DEFAULT_FIRST_CANCEL_COUNTS;
        private boolean fallBackAtOnceWhenPasskeyAbsent = DEFAULT_FALL_BACK_AT_ONCE_WHEN_PASSKEY_ABSENT;
        private Duration historyWindow = DEFAULT_HISTORY_WINDOW;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;
        private boolean skipAutoStartOnNegativeHistory = DEFAULT_SKIP_AUTO_START_ON_NEGATIVE_HISTORY;
        private Duration negativeHistoryDuration = DEFAULT_NEGATIVE_HISTORY_DURATION;
        private Duration immediateFailureThreshold = DEFAULT_IMMEDIATE_FAILURE_THRESHOLD;
        private Duration timeoutLikeThreshold = DEFAULT_TIMEOUT_LIKE_THRESHOLD;
        private Duration cooldownAfterDecline = DEFAULT_COOLDOWN_AFTER_DECLINE;
        private Duration cooldownAfterCancelledCreation = DEFAULT_COOLDOWN_AFTER_CANCELLED_CREATION;
        private int maxConsecutiveOffers = DEFAULT_MAX_CONSECUTIVE_OFFERS;
        private Duration cooldownAfterMaxOffers = DEFAULT_COOLDOWN_AFTER_MAX_OFFERS;
        private boolean requireLocalCreateCapability = DEFAULT_REQUIRE_LOCAL_CREATE_CAPABILITY;
        private ReplacedCredentialHandling replacedCredentialHandling = DEFAULT_REPLACED_CREDENTIAL_HANDLING;
        private Duration retireOnlyIfUnusedElsewhereFor = DEFAULT_RETIRE_ONLY_IF_UNUSED_ELSEWHERE_FOR;
        private UnprovenFailureOffer unprovenFailureOffer = DEFAULT_UNPROVEN_FAILURE_OFFER;
        private PhoneOnlyStart phoneOnlyStart = DEFAULT_PHONE_ONLY_START;
        private UncertainStart uncertainStart = DEFAULT_UNCERTAIN_START;

        private Builder() {}

        private Builder(AutoHealingPolicy base) {
            this.failuresBeforeFallback = base.failuresBeforeFallback;
            this.firstCancelCounts = base.firstCancelCounts;
            this.fallBackAtOnceWhenPasskeyAbsent = base.fallBackAtOnceWhenPasskeyAbsent;
            this.historyWindow = base.historyWindow;
            this.historyLimit = base.historyLimit;
            this.skipAutoStartOnNegativeHistory = base.skipAutoStartOnNegativeHistory;
            this.negativeHistoryDuration = base.negativeHistoryDuration;
            this.immediateFailureThreshold = base.immediateFailureThreshold;
            this.timeoutLikeThreshold = base.timeoutLikeThreshold;
            this.cooldownAfterDecline = base.cooldownAfterDecline;
            this.cooldownAfterCancelledCreation = base.cooldownAfterCancelledCreation;
            this.maxConsecutiveOffers = base.maxConsecutiveOffers;
            this.cooldownAfterMaxOffers = base.cooldownAfterMaxOffers;
            this.requireLocalCreateCapability = base.requireLocalCreateCapability;
            this.replacedCredentialHandling = base.replacedCredentialHandling;
            this.unprovenFailureOffer = base.unprovenFailureOffer;
            this.phoneOnlyStart = base.phoneOnlyStart;
            this.uncertainStart = base.uncertainStart;
            this.retireOnlyIfUnusedElsewhereFor = base.retireOnlyIfUnusedElsewhereFor;
        }

        /** 1 to 10. */
        public Builder failuresBeforeFallback(int value) {
            this.failuresBeforeFallback = intBetween("failuresBeforeFallback", value, 1, 10);
            return this;
        }

        public Builder firstCancelCounts(boolean value) {
            this.firstCancelCounts = value;
            return this;
        }

        /** See {@link AutoHealingPolicy#fallBackAtOnceWhenPasskeyAbsent()}. */
        public Builder fallBackAtOnceWhenPasskeyAbsent(boolean value) {
            this.fallBackAtOnceWhenPasskeyAbsent = value;
            return this;
        }

        /** 1 day to 400 days. */
        public Builder historyWindow(Duration value) {
            this.historyWindow = durationBetween("historyWindow", value, Duration.ofDays(1), Duration.ofDays(400));
            return this;
        }

        /** 10 to 1000 attempts per query. */
        public Builder historyLimit(int value) {
            this.historyLimit = intBetween("historyLimit", value, 10, 1000);
            return this;
        }

        public Builder skipAutoStartOnNegativeHistory(boolean value) {
            this.skipAutoStartOnNegativeHistory = value;
            return this;
        }

        /** 1 hour to 365 days. */
        public Builder negativeHistoryDuration(Duration value) {
            this.negativeHistoryDuration =
                    durationBetween("negativeHistoryDuration", value, Duration.ofHours(1), Duration.ofDays(365));
            return this;
        }

        /** 0 (never) to 10 seconds. */
        public Builder immediateFailureThreshold(Duration value) {
            this.immediateFailureThreshold =
                    durationBetween("immediateFailureThreshold", value, Duration.ZERO, Duration.ofSeconds(10));
            return this;
        }

        /** 5 seconds to 10 minutes. */
        public Builder timeoutLikeThreshold(Duration value) {
            this.timeoutLikeThreshold =
                    durationBetween("timeoutLikeThreshold", value, Duration.ofSeconds(5), Duration.ofMinutes(10));
            return this;
        }

        /** 0 to 365 days. */
        public Builder cooldownAfterDecline(Duration value) {
            this.cooldownAfterDecline =
                    durationBetween("cooldownAfterDecline", value, Duration.ZERO, Duration.ofDays(365));
            return this;
        }

        /** 0 to 365 days. */
        public Builder cooldownAfterCancelledCreation(Duration value) {
            this.cooldownAfterCancelledCreation =
                    durationBetween("cooldownAfterCancelledCreation", value, Duration.ZERO, Duration.ofDays(365));
            return this;
        }

        /** 1 to 20. */
        public Builder maxConsecutiveOffers(int value) {
            this.maxConsecutiveOffers = intBetween("maxConsecutiveOffers", value, 1, 20);
            return this;
        }

        /** 1 day to 365 days. */
        public Builder cooldownAfterMaxOffers(Duration value) {
            this.cooldownAfterMaxOffers =
                    durationBetween("cooldownAfterMaxOffers", value, Duration.ofDays(1), Duration.ofDays(365));
            return this;
        }

        public Builder requireLocalCreateCapability(boolean value) {
            this.requireLocalCreateCapability = value;
            return this;
        }

        public Builder replacedCredentialHandling(ReplacedCredentialHandling value) {
            this.replacedCredentialHandling = Objects.requireNonNull(value, "replacedCredentialHandling");
            return this;
        }

        /** 1 day to 365 days. */
        public Builder retireOnlyIfUnusedElsewhereFor(Duration value) {
            this.retireOnlyIfUnusedElsewhereFor =
                    durationBetween("retireOnlyIfUnusedElsewhereFor", value, Duration.ofDays(1), Duration.ofDays(365));
            return this;
        }

        /** See {@link AutoHealingPolicy#unprovenFailureOffer()}. */
        public Builder unprovenFailureOffer(UnprovenFailureOffer value) {
            this.unprovenFailureOffer = Objects.requireNonNull(value, "unprovenFailureOffer");
            return this;
        }

        /** Default {@link PhoneOnlyStart#ATTEMPT_AFTER_REPEATED_CROSS_DEVICE}. */
        public Builder phoneOnlyStart(PhoneOnlyStart value) {
            this.phoneOnlyStart = Objects.requireNonNull(value, "phoneOnlyStart");
            return this;
        }

        /** Default {@link UncertainStart#ATTEMPT_AUTOMATICALLY}. */
        public Builder uncertainStart(UncertainStart value) {
            this.uncertainStart = Objects.requireNonNull(value, "uncertainStart");
            return this;
        }

        /**
         * Builds the policy from the settings made so far.
         *
         * @return the policy
         * @throws IllegalStateException if the settings contradict each other
         */
        public AutoHealingPolicy build() {
            if (immediateFailureThreshold.compareTo(timeoutLikeThreshold) >= 0) {
                throw new IllegalStateException("immediateFailureThreshold (" + immediateFailureThreshold
                        + ") must be below timeoutLikeThreshold (" + timeoutLikeThreshold + ")");
            }
            if (retireOnlyIfUnusedElsewhereFor.compareTo(historyWindow) > 0
                    && replacedCredentialHandling == ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN) {
                throw new IllegalStateException("retireOnlyIfUnusedElsewhereFor (" + retireOnlyIfUnusedElsewhereFor
                        + ") must not exceed historyWindow (" + historyWindow + "): older use is not read");
            }
            return new AutoHealingPolicy(this);
        }

        private static int intBetween(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }

        private static Duration durationBetween(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
