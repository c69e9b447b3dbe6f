package dev.passkeyflow.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How often, across every node that shares the flow's
 * {@link dev.passkeyflow.storage.ThrottleRepository}, traditional logins may fail and login flows
 * may start, counted per identifier and per device id.
 *
 * <p>Counts are kept in fixed windows aligned to the epoch: a window of 15 minutes starts at
 * :00, :15, :30 and :45. A limit of {@code n} per window therefore admits at most {@code n} events
 * in one window and at most {@code 2n} in any span of one window's length that straddles two.
 *
 * <ul>
 *   <li><b>Failed traditional logins</b> ({@link LoginFlow#fallbackFailed}): once an identifier
 *       (known or not: both are counted and timed alike) or a device id has reached its limit in the
 *       current window, both {@code fallbackFailed} and {@code fallbackSucceeded} answer
 *       {@link LoginFlowException.Reason#THROTTLED} with the time until the window ends, so a guess
 *       made while throttled teaches the guesser nothing, even a right one.</li>
 *   <li><b>Flow starts</b> ({@link LoginFlow#start}): a bound on the flows one identifier or one
 *       device id may start per window, so one identifier cannot fill the flow store and block
 *       everyone else's logins.</li>
 * </ul>
 *
 * <p>The identifier bucket is what protects an account from password guessing: device ids come from
 * the client and a guesser can change them at will. The price is that guessing can lock the real
 * user out of the traditional login for the rest of a window (a passkey login is never throttled).
 *
 * <pre>{@code
 * LoginThrottle throttle = LoginThrottle.custom()
 *         .maxFailuresPerIdentifier(10)
 *         .failureWindow(Duration.ofMinutes(15))
 *         .build();
 * }</pre>
 */
public final class LoginThrottle {

    /** Failed traditional logins per identifier per failure window by default: {@value}. */
    public static final int DEFAULT_MAX_FAILURES_PER_IDENTIFIER = 10;
    /** Failed traditional logins per device id per failure window by default: {@value}. */
    public static final int DEFAULT_MAX_FAILURES_PER_DEVICE = 30;
    /** The default failure window: 15 minutes. */
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(15);
    /** Flow starts per identifier per start window by default: {@value}. */
    public static final int DEFAULT_MAX_STARTS_PER_IDENTIFIER = 30;
    /** Flow starts per device id per start window by default: {@value}. */
    public static final int DEFAULT_MAX_STARTS_PER_DEVICE = 120;
    /** The default start window: 5 minutes, the default flow lifetime. */
    public static final Duration DEFAULT_START_WINDOW = Duration.ofMinutes(5);

    /** The largest limit accepted: high enough to switch a bound off in load tests and benchmarks. */
    public static final int MAX_LIMIT = 1_000_000_000;

    private static final LoginThrottle DEFAULTS = custom().build();

    private final int maxFailuresPerIdentifier;
    private final int maxFailuresPerDevice;
    private final Duration failureWindow;
    private final int maxStartsPerIdentifier;
    private final int maxStartsPerDevice;
    private final Duration startWindow;

    private LoginThrottle(Builder b) {
        this.maxFailuresPerIdentifier = b.maxFailuresPerIdentifier;
        this.maxFailuresPerDevice = b.maxFailuresPerDevice;
        this.failureWindow = b.failureWindow;
        this.maxStartsPerIdentifier = b.maxStartsPerIdentifier;
        this.maxStartsPerDevice = b.maxStartsPerDevice;
        this.startWindow = b.startWindow;
    }

    /** The defaults: 10 failures per identifier and 30 per device per 15 minutes; 30 and 120 starts per 5 minutes. */
    public static LoginThrottle ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    public int maxFailuresPerIdentifier() {
        return maxFailuresPerIdentifier;
    }

    public int maxFailuresPerDevice() {
        return maxFailuresPerDevice;
    }

    public Duration failureWindow() {
        return failureWindow;
    }

    public int maxStartsPerIdentifier() {
        return maxStartsPerIdentifier;
    }

    public int maxStartsPerDevice() {
        return maxStartsPerDevice;
    }

    public Duration startWindow() {
        return startWindow;
    }

    @Override
    public String toString() {
        return "LoginThrottle[failures " + maxFailuresPerIdentifier + "/identifier " + maxFailuresPerDevice
                + "/device per " + failureWindow + ", starts " + maxStartsPerIdentifier + "/identifier "
                + maxStartsPerDevice + "/device per " + startWindow + "]";
    }

    /** Builds a {@link LoginThrottle}; every setter validates and names a bad value. */
    public static final class Builder {
        private int maxFailuresPerIdentifier = DEFAULT_MAX_FAILURES_PER_IDENTIFIER;
        private int maxFailuresPerDevice = DEFAULT_MAX_FAILURES_PER_DEVICE;
        private Duration failureWindow = DEFAULT_FAILURE_WINDOW;
        private int maxStartsPerIdentifier = DEFAULT_MAX_STARTS_PER_IDENTIFIER;
        private int maxStartsPerDevice = DEFAULT_MAX_STARTS_PER_DEVICE;
        private Duration startWindow = DEFAULT_START_WINDOW;

        private Builder() {}

        /** 1 to 1,000,000,000; default {@value LoginThrottle#DEFAULT_MAX_FAILURES_PER_IDENTIFIER}. */
        public Builder maxFailuresPerIdentifier(int value) {
            this.maxFailuresPerIdentifier = inRange("maxFailuresPerIdentifier", value);
            return this;
        }

        /** 1 to 1,000,000,000; default {@value LoginThrottle#DEFAULT_MAX_FAILURES_PER_DEVICE}. */
        public Builder maxFailuresPerDevice(int value) {
            this.maxFailuresPerDevice = inRange("maxFailuresPerDevice", value);
            return this;
        }

        /** 1 second to 1 day, a whole number of seconds; default 15 minutes. */
        public Builder failureWindow(Duration value) {
            this.failureWindow = window("failureWindow", value);
            return this;
        }

        /** 1 to 1,000,000,000; default {@value LoginThrottle#DEFAULT_MAX_STARTS_PER_IDENTIFIER}. */
        public Builder maxStartsPerIdentifier(int value) {
            this.maxStartsPerIdentifier = inRange("maxStartsPerIdentifier", value);
            return this;
        }

        /** 1 to 1,000,000,000; default {@value LoginThrottle#DEFAULT_MAX_STARTS_PER_DEVICE}. */
        public Builder maxStartsPerDevice(int value) {
            this.maxStartsPerDevice = inRange("maxStartsPerDevice", value);
            return this;
        }

        /** 1 second to 1 day, a whole number of seconds; default 5 minutes. */
        public Builder startWindow(Duration value) {
            this.startWindow = window("startWindow", value);
            return this;
        }

        public LoginThrottle build() {
            return new LoginThrottle(this);
        }

        private static int inRange(String name, int value) {
            if (value < 1 || value > MAX_LIMIT) {
                throw new IllegalArgumentException(name + " must be between 1 and " + MAX_LIMIT + ", was " + value);
            }
            return value;
        }

        private static Duration window(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(Duration.ofSeconds(1)) < 0
                    || value.compareTo(Duration.ofDays(1)) > 0
                    || value.toNanosPart() != 0) {
                throw new IllegalArgumentException(
                        name + " must be whole seconds from 1 second to 1 day, was " + value);
            }
            return value;
        }
    }
}
