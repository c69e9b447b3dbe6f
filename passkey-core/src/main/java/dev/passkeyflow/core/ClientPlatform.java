package dev.passkeyflow.core;

/**
 * The operating system family of a client, as far as the wording of the OS-native passkey dialog
 * goes.
 */
public enum ClientPlatform {
    MACOS("Touch ID"),
    IOS("Face ID or Touch ID"),
    WINDOWS("Windows Hello"),
    ANDROID("your screen lock"),
    CHROME_OS("your screen lock"),
    LINUX("your device"),
    OTHER("your device");

    private final String unlockMethod;

    ClientPlatform(String unlockMethod) {
        this.unlockMethod = unlockMethod;
    }

    /** How the user will confirm a new passkey on this platform, for the page's wording. */
    public String unlockMethod() {
        return unlockMethod;
    }

    /**
     * The platform named by a UA client hint ({@code Sec-CH-UA-Platform}) or a platform name stored
     * with a credential; {@link #OTHER} when it is unknown.
     */
    public static ClientPlatform fromName(@org.jspecify.annotations.Nullable String name) {
        if (name == null) {
            return OTHER;
        }
        String value = name.trim().toLowerCase(java.util.Locale.ROOT).replace("\"", "");
        return switch (value) {
            case "macos", "mac os", "mac os x", "os x" -> MACOS;
            case "ios", "ipados" -> IOS;
            case "windows" -> WINDOWS;
            case "android" -> ANDROID;
            case "chrome os", "chromeos", "chromium os" -> CHROME_OS;
            case "linux" -> LINUX;
            default -> OTHER;
        };
    }

    /** The name stored with credentials and attempts. */
    public String storedName() {
        return switch (this) {
            case MACOS -> "macOS";
            case IOS -> "iOS";
            case WINDOWS -> "Windows";
            case ANDROID -> "Android";
            case CHROME_OS -> "Chrome OS";
            case LINUX -> "Linux";
            case OTHER -> "Other";
        };
    }

    /**
     * A coarse reading of a User-Agent string, for when no client hints were sent. The
     * passkey-intelligence module uses a maintained UA parser instead.
     */
    public static ClientPlatform fromUserAgent(@org.jspecify.annotations.Nullable String userAgent) {
        if (userAgent == null) {
            return OTHER;
        }
        if (userAgent.contains("iPhone") || userAgent.contains("iPad") || userAgent.contains("iPod")) {
            return IOS;
        }
        if (userAgent.contains("Android")) {
            return ANDROID;
        }
        if (userAgent.contains("Windows")) {
            return WINDOWS;
        }
        if (userAgent.contains("CrOS")) {
            return CHROME_OS;
        }
        if (userAgent.contains("Macintosh") || userAgent.contains("Mac OS X")) {
            return MACOS;
        }
        if (userAgent.contains("Linux")) {
            return LINUX;
        }
        return OTHER;
    }

    /** The platform of a client: its UA client hint if it sent one, else its User-Agent string. */
    public static ClientPlatform of(ClientContext client) {
        ClientPlatform hinted = fromName(client.hints().platform());
        return hinted != OTHER ? hinted : fromUserAgent(client.userAgent());
    }
}
