package dev.passkeyflow.micrometer;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps free-text tag values (an advisor's decision tags) to a bounded set: a value must look like
 * a short kebab-case word, and only the first {@code limit} distinct values are kept; anything else
 * becomes {@value #OTHER}. An advisor written by the host could put an identifier, a device id or
 * an email address in a tag; each distinct tag value is a time series in the monitoring system, so
 * such a value must never reach a meter.
 */
final class TagValues {

    /** What a value outside the bounded set is recorded as. */
    static final String OTHER = "other";

    /**
     * Lower-case letters and digits in hyphen-separated words, at most 48 characters: what the
     * built-in advisors use. It leaves out '@', '.', '_', '=' and upper case, so e-mail addresses,
     * base64url ids and UUIDs in canonical upper case are refused; a lower-case hex id without
     * hyphens longer than 12 characters is refused by the digit rule below.
     */
    private static final Pattern WORDS = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private static final int MAX_LENGTH = 48;
    /** A word with more than this many digits looks like an id or a number, not a reason. */
    private static final int MAX_DIGITS = 4;

    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    TagValues(int limit) {
        this.limit = limit;
    }

    /** The value to record for {@code raw}: itself when it is an acceptable, already seen or admitted value. */
    String bounded(String raw) {
        if (raw.isEmpty() || raw.length() > MAX_LENGTH || !WORDS.matcher(raw).matches() || digits(raw) > MAX_DIGITS) {
            return OTHER;
        }
        if (seen.contains(raw)) {
            return raw;
        }
        synchronized (seen) {
            if (seen.size() >= limit && !seen.contains(raw)) {
                return OTHER;
            }
            seen.add(raw);
            return raw;
        }
    }

    /** An enum constant as a tag value: lower case, as Prometheus label values usually are. */
    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static int digits(String value) {
        int count = 0;
        for (int i = 0; i < value.length(); i++) {
            if (Character.isDigit(value.charAt(i))) {
                count++;
            }
        }
        return count;
    }
}
