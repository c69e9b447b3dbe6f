package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import org.jspecify.annotations.Nullable;

/**
 * The client's platform, for naming the OS-native passkey dialog (Touch ID, Face ID, Windows
 * Hello, screen lock) and for judging where a synced passkey can be. UA client hints are used
 * first; without them the User-Agent string is parsed with uap-java (its rules ship in its jar;
 * nothing is downloaded). Parsed User-Agents are kept in a bounded cache; thread-safe.
 */
public final class PlatformHints {

    private PlatformHints() {}

    /** The platform of a client: its {@code Sec-CH-UA-Platform} hint if usable, else its User-Agent. */
    public static ClientPlatform platformOf(ClientContext client) {
        ClientPlatform hinted = ClientPlatform.fromName(client.hints().platform());
        if (hinted != ClientPlatform.OTHER) {
            return hinted;
        }
        return fromUserAgent(client.userAgent());
    }

    /** The platform named by a User-Agent string; {@link ClientPlatform#OTHER} if unknown. */
    public static ClientPlatform fromUserAgent(@Nullable String userAgent) {
        return UserAgentPlatforms.shared().platform(userAgent);
    }
}
