package dev.passkeyflow.core;

import org.jspecify.annotations.Nullable;

/**
 * User-Agent client hints as the browser sent them ({@code Sec-CH-UA-Platform},
 * {@code Sec-CH-UA-Platform-Version}, {@code Sec-CH-UA-Mobile}) or as
 * {@code navigator.userAgentData.getHighEntropyValues()} returned them. Quotes around the values
 * are removed.
 *
 * @param platform e.g. {@code macOS}, {@code Windows}, {@code Android}, {@code iOS}
 * @param platformVersion e.g. {@code 15.0.0}
 * @param mobile whether the browser says it is on a mobile device
 */
public record ClientHints(
        @Nullable String platform,
        @Nullable String platformVersion,
        @Nullable Boolean mobile) {

    private static final ClientHints NONE = new ClientHints(null, null, null);

    public ClientHints {
        // Unquote first: truncating first would cut off a long value's closing quote and keep its opening one.
        platform = Texts.limit(Texts.unquote(platform), 64);
        platformVersion = Texts.limit(Texts.unquote(platformVersion), 64);
    }

    /** No client hints were sent. */
    public static ClientHints none() {
        return NONE;
    }
}
