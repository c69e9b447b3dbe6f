package dev.passkeyflow.core;

import org.jspecify.annotations.Nullable;

/** Small string helpers for values that come from the client and must be bounded. */
final class Texts {

    private Texts() {}

    static @Nullable String limit(@Nullable String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() <= maxLength) {
            return value;
        }
        // Never keep half of a surrogate pair: the cut would leave an unpaired surrogate, which is not text.
        int end = Character.isHighSurrogate(value.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
        return value.substring(0, end);
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
