package dev.passkeyflow.examples;

import dev.passkeyflow.storage.Bytes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The demo's web sessions: an in-memory map keyed by a random cookie value. A real application
 * would use its framework's session store; what matters for passkeyflow is what the session keeps:
 * the CSRF token, the id of the login flow in progress, and who is signed in.
 */
final class Sessions {

    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);

    private final Map<String, WebSession> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** The live session with this id, if any; touching it extends its life. */
    @Nullable WebSession find(@Nullable String id) {
        if (id == null) {
            return null;
        }
        WebSession session = byId.get(id);
        Instant now = clock.instant();
        if (session == null) {
            return null;
        }
        if (session.lastSeen.plus(IDLE_TIMEOUT).isBefore(now)) {
            byId.remove(id);
            return null;
        }
        session.lastSeen = now;
        return session;
    }

    WebSession create() {
        purgeIdle();
        WebSession session = new WebSession(randomToken(), randomToken(), clock.instant());
        byId.put(session.id, session);
        return session;
    }

    /**
     * Replaces a session by a fresh one with new id and CSRF token (on sign-in and sign-out, against
     * session fixation). Nothing is carried over.
     */
    WebSession renew(WebSession old) {
        byId.remove(old.id);
        return create();
    }

    String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void purgeIdle() {
        Instant cutoff = clock.instant().minus(IDLE_TIMEOUT);
        byId.values().removeIf(s -> s.lastSeen.isBefore(cutoff));
    }

    /** One browser's session. Fields are only touched by that browser's requests. */
    static final class WebSession {
        final String id;
        final String csrfToken;
        volatile Instant lastSeen;

        /** The login flow in progress: bound to the session, never taken from the request. */
        volatile @Nullable String flowId;
        /** The identifier the flow was started for, to check the password against. */
        volatile @Nullable String flowIdentifier;

        volatile @Nullable Bytes userHandle;
        volatile @Nullable String identifier;
        volatile @Nullable String displayName;
        volatile @Nullable Instant signedInAt;
        volatile @Nullable String signedInWith;

        /** Signal API calls and a message for the next page shown, then forgotten. */
        final List<Map<String, Object>> pendingSignals = new ArrayList<>();
        volatile @Nullable String flashMessage;

        WebSession(String id, String csrfToken, Instant now) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.lastSeen = now;
        }

        boolean signedIn() {
            return userHandle != null;
        }

        synchronized void addSignals(List<Map<String, Object>> signals) {
            pendingSignals.addAll(signals);
        }

        synchronized List<Map<String, Object>> takeSignals() {
            List<Map<String, Object>> taken = List.copyOf(pendingSignals);
            pendingSignals.clear();
            return taken;
        }

        @Nullable String takeFlash() {
            String message = flashMessage;
            flashMessage = null;
            return message;
        }
    }
}
