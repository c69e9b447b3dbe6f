package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientPlatform;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua_parser.OS;
import ua_parser.Parser;

/**
 * User-Agent to {@link ClientPlatform} with uap-java and a bounded LRU cache. The parser (a few
 * hundred compiled regexes) is built once, on first use; if it cannot be built the coarse reading
 * of core's {@link ClientPlatform#fromUserAgent(String)} is used instead.
 */
final class UserAgentPlatforms {

    private static final Logger LOG = LoggerFactory.getLogger(UserAgentPlatforms.class);

    /** Default number of distinct User-Agents remembered. */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    /** Longer User-Agents are not parsed (core truncates them to 512 already). */
    static final int MAX_USER_AGENT_LENGTH = 512;

    private static final class Holder {
        static final UserAgentPlatforms SHARED = new UserAgentPlatforms(DEFAULT_CACHE_SIZE);
    }

    private final int maxEntries;
    private final Map<String, ClientPlatform> cache;
    private volatile @Nullable Parser parser;
    private volatile boolean parserFailed;

    public UserAgentPlatforms(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ClientPlatform> eldest) {
                return size() > UserAgentPlatforms.this.maxEntries;
            }
        };
    }

    public static UserAgentPlatforms shared() {
        return Holder.SHARED;
    }

    public ClientPlatform platform(@Nullable String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return ClientPlatform.OTHER;
        }
        String key =
                userAgent.length() > MAX_USER_AGENT_LENGTH ? userAgent.substring(0, MAX_USER_AGENT_LENGTH) : userAgent;
        synchronized (cache) {
            ClientPlatform cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        ClientPlatform parsed = parse(key);
        synchronized (cache) {
            cache.put(key, parsed);
        }
        return parsed;
    }

    /** How many User-Agents are cached now. */
    public int cachedEntries() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private ClientPlatform parse(String userAgent) {
        Parser p = parser();
        if (p == null) {
            return ClientPlatform.fromUserAgent(userAgent);
        }
        OS os;
        try {
            os = p.parseOS(userAgent);
        } catch (RuntimeException e) {
            return ClientPlatform.fromUserAgent(userAgent);
        }
        ClientPlatform mapped = fromOsFamily(os == null ? null : os.family);
        return mapped != ClientPlatform.OTHER ? mapped : ClientPlatform.fromUserAgent(userAgent);
    }

    static ClientPlatform fromOsFamily(@Nullable String family) {
        if (family == null) {
            return ClientPlatform.OTHER;
        }
        String f = family.toLowerCase(Locale.ROOT);
        if (f.equals("ios") || f.equals("ipados")) {
            return ClientPlatform.IOS;
        }
        if (f.startsWith("mac os") || f.equals("macos") || f.equals("os x")) {
            return ClientPlatform.MACOS;
        }
        if (f.startsWith("windows")) {
            return ClientPlatform.WINDOWS;
        }
        if (f.equals("android")) {
            return ClientPlatform.ANDROID;
        }
        if (f.equals("chrome os") || f.equals("chromeos")) {
            return ClientPlatform.CHROME_OS;
        }
        if (f.equals("linux")
                || f.equals("ubuntu")
                || f.equals("fedora")
                || f.equals("debian")
                || f.equals("red hat")
                || f.equals("suse")
                || f.equals("mint")
                || f.equals("arch linux")) {
            return ClientPlatform.LINUX;
        }
        return ClientPlatform.OTHER;
    }

    private @Nullable Parser parser() {
        Parser p = parser;
        if (p != null || parserFailed) {
            return p;
        }
        synchronized (this) {
            if (parser == null && !parserFailed) {
                try {
                    parser = new Parser();
                } catch (RuntimeException | LinkageError e) {
                    parserFailed = true;
                    LOG.warn("uap-java parser unavailable; using a coarse User-Agent reading", e);
                }
            }
            return parser;
        }
    }
}
