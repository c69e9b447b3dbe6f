package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.storage.CountedFlowStart;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.ThrottleRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link LoginThrottle} through a {@link ThrottleRepository}. Keys are digests: the
 * throttle store never holds an identifier or a device id as typed, and a known identifier costs
 * exactly the work of an unknown one.
 */
final class Throttles {

    private static final String FAILURES = "f";
    private static final String STARTS = "s";

    private final LoginThrottle policy;
    private final ThrottleRepository counters;
    private final Clock clock;

    Throttles(LoginThrottle policy, ThrottleRepository counters, Clock clock) {
        this.policy = policy;
        this.counters = counters;
        this.clock = clock;
    }

    /** Counts a flow start; refuses it when the identifier or the device is over its bound. */
    void countStart(String identifier, @Nullable String deviceId) {
        Window window = window(policy.startWindow());
        List<Long> counts = counters.increment(keys(STARTS, window, identifier, deviceId), window.start, window.end);
        if (over(counts, policy.maxStartsPerIdentifier(), policy.maxStartsPerDevice(), false)) {
            throw LoginFlowException.throttled(
                    "too many logins started for this account or device; try again later", window.retryAfter);
        }
    }

    /**
     * Counts a usernameless start against its device alone: every visit to a login page with
     * autofill starts one, so a bound per identifier (there is none) or a shared one would stop
     * everyone. Without a device id nothing is counted.
     */
    void countUsernamelessStart(@Nullable String deviceId) {
        if (deviceId == null) {
            return;
        }
        Window window = window(policy.startWindow());
        List<Long> counts = counters.increment(
                List.of(STARTS + window.seconds + ".u." + digest(deviceId)), window.start, window.end);
        if (counts.get(0) > policy.maxStartsPerDevice()) {
            throw LoginFlowException.throttled(
                    "too many logins started on this device; try again later", window.retryAfter);
        }
    }

    /**
     * Counts a flow start and stores the new flow in one storage call; refuses the start (storing
     * nothing) when the identifier or the device is over its bound.
     */
    void countStartAndCreate(CountedFlowStart store, FlowRecord flow, String identifier, @Nullable String deviceId) {
        Window window = window(policy.startWindow());
        List<String> keys = keys(STARTS, window, identifier, deviceId);
        List<Long> limits = keys.size() == 1
                ? List.of((long) policy.maxStartsPerIdentifier())
                : List.of((long) policy.maxStartsPerIdentifier(), (long) policy.maxStartsPerDevice());
        List<Long> counts = store.startFlow(flow, keys, limits, window.start, window.end);
        if (over(counts, policy.maxStartsPerIdentifier(), policy.maxStartsPerDevice(), false)) {
            throw LoginFlowException.throttled(
                    "too many logins started for this account or device; try again later", window.retryAfter);
        }
    }

    /**
     * Refuses a traditional-login report while the identifier or the device has used up its failures
     * for the window. Both {@code fallbackSucceeded} and {@code fallbackFailed} call this first and
     * do exactly this work when refused, so a refusal says nothing about the password.
     */
    void requireFallbackAllowed(String identifier, @Nullable String deviceId) {
        Window window = window(policy.failureWindow());
        List<Long> counts = counters.read(keys(FAILURES, window, identifier, deviceId), window.start);
        if (over(counts, policy.maxFailuresPerIdentifier(), policy.maxFailuresPerDevice(), true)) {
            throw throttledFallback(window);
        }
    }

    /** Counts a failed traditional login; refuses it when a racing report already used the last one. */
    void countFailure(String identifier, @Nullable String deviceId) {
        Window window = window(policy.failureWindow());
        List<Long> counts = counters.increment(keys(FAILURES, window, identifier, deviceId), window.start, window.end);
        if (over(counts, policy.maxFailuresPerIdentifier(), policy.maxFailuresPerDevice(), false)) {
            throw throttledFallback(window);
        }
    }

    private static LoginFlowException throttledFallback(Window window) {
        return LoginFlowException.throttled(
                "too many failed logins for this account or device; try again later", window.retryAfter);
    }

    /** Whether a count is over its limit: above it, or (for a check before counting) at it. */
    private static boolean over(List<Long> counts, int identifierLimit, int deviceLimit, boolean atLimit) {
        long slack = atLimit ? 0 : 1;
        if (counts.get(0) >= identifierLimit + slack) {
            return true;
        }
        return counts.size() > 1 && counts.get(1) >= deviceLimit + slack;
    }

    private static List<String> keys(String kind, Window window, String identifier, @Nullable String deviceId) {
        List<String> keys = new ArrayList<>(2);
        keys.add(kind + window.seconds + ".i." + digest(identifier));
        if (deviceId != null) {
            keys.add(kind + window.seconds + ".d." + digest(deviceId));
        }
        return keys;
    }

    private Window window(Duration length) {
        Instant now = clock.instant();
        long seconds = length.toSeconds();
        long start = Math.floorDiv(now.getEpochSecond(), seconds) * seconds;
        Instant end = Instant.ofEpochSecond(start + seconds);
        Duration left = Duration.between(now, end);
        // Retry-After is given in whole seconds; round up so that a retry never comes early.
        long retrySeconds = Math.max(1, left.getSeconds() + (left.getNano() > 0 ? 1 : 0));
        return new Window(seconds, Instant.ofEpochSecond(start), end, Duration.ofSeconds(retrySeconds));
    }

    private record Window(long seconds, Instant start, Instant end, Duration retryAfter) {}

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
