package dev.passkeyflow.core;

import org.jspecify.annotations.Nullable;

/** Small string helpers for values that come from the client and must be bounded. */
final class Texts {

    private Texts() {
    }

    static @Nullable String limit(@Nullable String value, int maxLength) {
        if (value == null) {
            return null;
        }
        return value.length() <= maxLength ? value : value.substring(0, maxLength);
    }

    static @Nullable String unquote(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? null : trimmed;
    }
}
