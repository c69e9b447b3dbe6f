package dev.passkeyflow.storage.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

/** The names of the tables for one table prefix. */
final class Tables {

    /** The prefix the schema files are written with; {@link SchemaInitializer} swaps it. */
    static final String FILE_PREFIX = "passkeyflow_";

    /** Lower-case letters, digits and underscores, starting with a letter: safe unquoted in both dialects. */
    private static final Pattern VALID_PREFIX = Pattern.compile("[a-z][a-z0-9_]*");

    final String prefix;
    final String users;
    final String credentials;
    final String loginAttempts;
    final String flows;
    final String throttleCounters;
    final String passkeyEvents;

    Tables(String prefix) {
        this.prefix = validatePrefix(prefix);
        this.users = prefix + "users";
        this.credentials = prefix + "credentials";
        this.loginAttempts = prefix + "login_attempts";
        this.flows = prefix + "flows";
        this.throttleCounters = prefix + "throttle_counters";
        this.passkeyEvents = prefix + "passkey_events";
    }

    /**
     * Checks a table prefix: 1 to {@value JdbcStorage#MAX_TABLE_PREFIX_LENGTH} characters, lower-case
     * letters, digits and underscores, starting with a letter.
     */
    static String validatePrefix(String prefix) {
        Objects.requireNonNull(prefix, "tablePrefix");
        if (prefix.isEmpty()
                || prefix.length() > JdbcStorage.MAX_TABLE_PREFIX_LENGTH
                || !VALID_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must be 1 to " + JdbcStorage.MAX_TABLE_PREFIX_LENGTH
                    + " lower-case letters, digits or underscores starting with a letter, was '" + prefix + "'");
        }
        return prefix;
    }
}
