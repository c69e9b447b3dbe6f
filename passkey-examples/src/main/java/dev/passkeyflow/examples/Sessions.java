package dev.passkeyflow.examples;

import dev.passkeyflow.storage.Bytes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
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
    @Nullable
    WebSession find(@Nullable String id) {
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
     * session fixation). Only the footer's last client error is carried over.
     */
    WebSession renew(WebSession old) {
        byId.remove(old.id);
        WebSession fresh = create();
        fresh.lastClientError = old.lastClientError;
        return fresh;
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

    /** A login flow of a session: its id and the identifier it was started for (to check the password against). */
    record FlowRef(String flowId, String identifier) {}

    static final int MAX_FLOWS = 8;

    /** One browser's session. Fields are only touched by that browser's requests. */
    static final class WebSession {
        final String id;
        final String csrfToken;
        volatile Instant lastSeen;

        /**
         * The login flows in progress in this browser, one per tab, by a random key the tab's page
         * carries ({@code ?f=KEY}). The flow ids stay in the session, never in the page; the key only
         * picks which of this session's flows a request continues, so two tabs signing in at once do
         * not take each other's flow. At most {@value Sessions#MAX_FLOWS}; the oldest is dropped.
         */
        private final Map<String, FlowRef> flows = new LinkedHashMap<>();
        /** The last error a ceremony reported in this browser (name and elapsed time), for the footer. */
        volatile @Nullable String lastClientError;
        /** The passkey created by the last sign-in or enrolment, for the dashboard's "new" marker. */
        volatile @Nullable String newCredentialId;
        /** The last sign-in fell back to the password after the passkey failed, and nothing was healed. */
        volatile boolean passkeyFailedHere;

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

        synchronized String addFlow(String flowId, String identifier, String key) {
            flows.put(key, new FlowRef(flowId, identifier));
            while (flows.size() > MAX_FLOWS) {
                flows.remove(flows.keySet().iterator().next());
            }
            return key;
        }

        synchronized @Nullable FlowRef flow(@Nullable String key) {
            return key == null ? null : flows.get(key);
        }

        synchronized void removeFlow(@Nullable String key) {
            if (key != null) {
                flows.remove(key);
            }
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

        @Nullable
        String takeFlash() {
            String message = flashMessage;
            flashMessage = null;
            return message;
        }
    }
}
