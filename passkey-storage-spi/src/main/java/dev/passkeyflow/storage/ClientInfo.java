package dev.passkeyflow.storage;

import org.jspecify.annotations.Nullable;

/**
 * The client environment a credential was created or used on.
 *
 * @param deviceId the long-lived device id the host keeps in a first-party cookie, if known
 * @param platform the operating system family, e.g. {@code "macOS"}, {@code "Windows"}, if known
 * @param browser the browser family, e.g. {@code "Chrome"}, if known
 */
public record ClientInfo(
        @Nullable String deviceId,
        @Nullable String platform,
        @Nullable String browser) {

    private static final ClientInfo UNKNOWN = new ClientInfo(null, null, null);

    /** A client about which nothing is known. */
    public static ClientInfo unknown() {
        return UNKNOWN;
    }
}
