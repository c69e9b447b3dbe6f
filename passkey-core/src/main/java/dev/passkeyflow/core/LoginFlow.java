package dev.passkeyflow.core;

import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.core.internal.FlowSettings;
import dev.passkeyflow.core.internal.LoginFlowFactory;
import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.storage.ThrottleRepository;
import dev.passkeyflow.storage.memory.InMemoryPasskeyEventRepository;
import dev.passkeyflow.storage.memory.InMemoryThrottleRepository;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Passkey-first login that falls back to the host's traditional login and heals broken passkeys.
 *
 * <p>A host calls one method per HTTP request and shows the returned {@link LoginStep}. The flow's
 * state lives in the {@link FlowStateRepository}, so any application node sharing that repository
 * can continue a flow started on another. All methods are thread-safe; concurrent calls on one flow
 * are resolved by an optimistic version check: one wins, the others get
 * {@link LoginFlowException.Reason#CONFLICT} (or {@code ILLEGAL_TRANSITION} when the winner already
 * moved the flow on).
 *
 * <p>A step's result belongs to the request that proved it (docs/step-protocol.md): only a repeat of
 * exactly the same request (for {@code finishPasskey} and {@code finishHealing}, the same response
 * JSON) whose result no response has carried yet is given that result; anything else is judged on
 * the flow's current state. Exactly one response carries each result.
 *
 * <p>Every method throws {@link LoginFlowException}. A call refused for any reason but
 * {@code STORAGE_FAILURE} leaves the stored flow unchanged; after {@code STORAGE_FAILURE} the step
 * may have been committed, and repeating the same call gets its result.
 *
 * <p>This file is longer than the project's 400 lines on purpose: it is the public API (the
 * interface and its {@link Builder}, which users name as {@code LoginFlow.Builder}), and more than
 * two fifths of it is the javadoc of the calls and settings.
 */
public interface LoginFlow {

    /**
     * Starts a login for the identifier the user typed.
     *
     * <p>An unknown identifier gets the same kind of step as an account without passkeys
     * ({@link LoginStep.FallbackRequired} with {@link FallbackReason#PASSKEY_NOT_AVAILABLE}).
     *
     * @return a passkey challenge, or the request for the traditional login
     * @throws LoginFlowException {@code INVALID_INPUT} for a blank or over-long identifier;
     *     {@code THROTTLED} when this identifier or device started too many flows in the current
     *     window ({@link LoginThrottle}), known and unknown identifiers alike
     */
    LoginStep start(String identifier, ClientContext client);

    /**
     * Starts a usernameless passkey login: no identifier, a challenge with empty
     * {@code allowCredentials} ({@link LoginStep.PasskeyChallenge#conditional()}), for passkey
     * autofill ({@code mediation: "conditional"} on the identifier field) or a "Sign in with a
     * passkey" button. The account is the one whose verified credential answers, taken from that
     * credential's user handle; there is no traditional fallback in such a flow (the page keeps its
     * identifier field for {@link #start}). A credential the server does not know at all gets a
     * fresh challenge and {@code signalUnknownCredential}; a retired one, or one that fails
     * verification, a fresh challenge without any signal. Starts are throttled per device id
     * ({@link LoginThrottle#maxStartsPerDevice()}).
     *
     * @return a conditional passkey challenge
     * @throws LoginFlowException {@code THROTTLED} when this device started too many flows in the window
     */
    LoginStep startUsernameless(ClientContext client);

    /**
     * Starts adding a passkey for a user the host has already authenticated in its own session
     * (e.g. right after sign-up). The host vouches for the authentication: call it only from a
     * handler that requires a signed-in session for exactly this identifier.
     *
     * @return the offer to create a passkey
     * @throws LoginFlowException {@code UNKNOWN_USER} if no account has this identifier
     */
    LoginStep enrol(String identifier, ClientContext client);

    /**
     * The flow's current step again, e.g. after a page reload. Signals are not repeated. Reads only:
     * it never applies another request's effects or takes its result.
     *
     * @throws LoginFlowException {@code ILLEGAL_TRANSITION} for a completed flow: a completion is
     *     handed out once, by the call that completed the flow, so a flow id alone is never enough
     *     to be told that the user is authenticated
     */
    LoginStep resume(String flowId);

    /**
     * The browser's {@code navigator.credentials.get()} threw.
     *
     * @param errorName the DOMException name ({@code NotAllowedError}, {@code AbortError},
     *     {@code SecurityError}, ...); unknown names are kept
     * @param message the exception message, used for nothing but bounded debug logging
     * @param elapsedMillis how long the call took, or -1 if unknown
     * @return a fresh challenge (calm retry) or the request for the traditional login
     */
    LoginStep reportClientError(String flowId, String errorName, @Nullable String message, long elapsedMillis);

    /**
     * The browser's {@code navigator.credentials.get()} in immediate UI mode (a challenge with
     * {@link LoginStep.PasskeyChallenge#immediate()}) rejected with {@code NotAllowedError}. A quick
     * rejection means that no credential for the site is locally available (the browser showed no
     * UI); a slow one, that the person dismissed the browser's sign-in UI.
     *
     * @param elapsedMillis how long the call took, or -1 if unknown
     * @return usually the request for the traditional login (with the passkey alternative for a
     *     phone or a security key); a calm retry when the person dismissed a UI that was shown
     */
    LoginStep reportImmediateRejection(String flowId, long elapsedMillis);

    /**
     * Verifies the browser's {@code PublicKeyCredential} JSON for the pending challenge.
     *
     * @return {@link LoginStep.Completed} on success; on a verification failure the advisor's
     *     choice of a fresh challenge or the traditional login
     * @throws LoginFlowException {@code INVALID_INPUT} for malformed or oversized JSON (the
     *     challenge stays valid)
     */
    LoginStep finishPasskey(String flowId, String responseJson);

    /** The user chose the traditional login while a passkey challenge was pending. */
    LoginStep chooseFallback(String flowId);

    /**
     * The user, on the traditional login page, chose to try a passkey (or a security key) after
     * all: a way back from {@link LoginStep.FallbackRequired} when its
     * {@link LoginStep.FallbackRequired#passkeyAlternative()} is true. Useful where the advisor could
     * not tell whether a passkey is reachable, e.g. a security key on a computer that reports no
     * platform authenticator.
     *
     * @return a fresh passkey challenge, to be started at once (the user asked for it)
     * @throws LoginFlowException {@code ILLEGAL_TRANSITION} when no passkey login is possible in this
     *     flow (no usable passkey, unknown identifier, or no passkey attempts left)
     */
    LoginStep retryPasskey(String flowId);

    /**
     * The host verified the user's traditional login for this flow's identifier.
     *
     * @return a passkey creation offer, or completion
     * @throws LoginFlowException {@code THROTTLED} while the identifier or the device has used up its
     *     failed logins for the window: the login is refused even with the right password, exactly as
     *     {@link #fallbackFailed} refuses a wrong one, so a guess made while throttled teaches nothing
     */
    LoginStep fallbackSucceeded(String flowId);

    /**
     * The host rejected the user's traditional login. Each call counts as one failed guess for the
     * flow's identifier and device ({@link LoginThrottle}), also when calls race on one flow.
     *
     * @return the request to try the traditional login again
     * @throws LoginFlowException {@code LOCKED} when the configured number of failures is reached;
     *     {@code THROTTLED} (nothing changed) when the identifier or the device has used up its
     *     failed logins for the window
     */
    LoginStep fallbackFailed(String flowId);

    /**
     * Verifies and stores the passkey the browser created for the healing offer. A rejected
     * registration still completes the flow (healing never blocks login).
     *
     * @throws LoginFlowException {@code INVALID_INPUT} for malformed or oversized JSON (the offer
     *     stays valid)
     */
    LoginStep finishHealing(String flowId, String responseJson);

    /**
     * The browser's {@code navigator.credentials.create()} threw. {@code InvalidStateError} means
     * the authenticator already holds a passkey of this account and completes as success without
     * a new credential; anything else completes the flow without healing.
     */
    LoginStep reportHealingError(String flowId, String errorName, @Nullable String message, long elapsedMillis);

    /** The user declined the offer; the decline is recorded for cooldowns. */
    LoginStep declineHealing(String flowId);

    /**
     * The browser declined a silent passkey creation ({@link LoginStep.HealingOffer#silent()}: the
     * {@code create()} call with {@code mediation: "conditional"} rejected). The browser's silent
     * refusal is not the user's answer, so it starts no cooldown; the flow stays in healing.
     *
     * @return the explicit offer (a fresh challenge, user presence required)
     * @throws LoginFlowException {@code ILLEGAL_TRANSITION} unless a silent offer is pending
     */
    LoginStep silentCreateDeclined(String flowId);

    /** The state machine as a Mermaid diagram. */
    static String stateDiagram() {
        return FlowTransition.mermaidDiagram();
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link LoginFlow}. Required: RP id, RP name, at least one origin and the three
     * repositories. Every setter validates its argument and names a bad value in its message.
     */
    final class Builder {

        public static final Duration DEFAULT_FLOW_TIME_TO_LIVE = Duration.ofMinutes(5);
        public static final Duration DEFAULT_CEREMONY_TIMEOUT = Duration.ofMinutes(2);
        public static final int DEFAULT_MAX_FALLBACK_FAILURES = 5;
        public static final int DEFAULT_MAX_PASSKEY_ATTEMPTS = 5;
        public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
        public static final String DEFAULT_COMPLETION_REDIRECT = "/dashboard";

        private static final String ANDROID_APP_ORIGIN_PREFIX = "android:apk-key-hash:";
        private static final Pattern APK_KEY_HASH = Pattern.compile("[A-Za-z0-9_-]{43}");

        private @Nullable String rpId;
        private @Nullable String rpName;
        private final Set<String> origins = new LinkedHashSet<>();
        private final Set<String> appOrigins = new LinkedHashSet<>();
        private final Set<String> allowedTopOrigins = new LinkedHashSet<>();
        private Duration ceremonyTimeout = DEFAULT_CEREMONY_TIMEOUT;
        private Duration flowTimeToLive = DEFAULT_FLOW_TIME_TO_LIVE;
        private UserVerification userVerification = UserVerification.PREFERRED;
        private ResidentKey residentKey = ResidentKey.PREFERRED;
        private @Nullable CredentialRepository credentials;
        private @Nullable LoginAttemptRepository attempts;
        private @Nullable FlowStateRepository flows;
        private LoginAdvisor advisor = ThresholdLoginAdvisor.ofDefaults();
        private final List<LoginFlowListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private int maxFallbackFailures = DEFAULT_MAX_FALLBACK_FAILURES;
        private int maxPasskeyAttempts = DEFAULT_MAX_PASSKEY_ATTEMPTS;
        private String completionRedirect = DEFAULT_COMPLETION_REDIRECT;
        private UnaryOperator<String> identifierNormalizer = Builder::defaultNormalize;
        private LoginThrottle throttle = LoginThrottle.ofDefaults();
        private @Nullable ThrottleRepository throttles;
        private @Nullable AtomicStepRepository atomicSteps;
        private @Nullable PasskeyEventRepository passkeyEvents;
        private OfferCooldowns offerCooldowns = OfferCooldowns.ofDefaults();

        private Builder() {}

        /** The WebAuthn relying party id: a registrable domain such as {@code example.com}, or {@code localhost}. */
        public Builder rpId(String value) {
            Objects.requireNonNull(value, "rpId");
            if (value.isBlank() || value.contains("/") || value.contains(":") || !value.equals(value.trim())) {
                throw new IllegalArgumentException("rpId must be a bare domain name, was '" + value + "'");
            }
            this.rpId = value.toLowerCase(Locale.ROOT);
            return this;
        }

        /** The name authenticators show for the relying party. */
        public Builder rpName(String value) {
            Objects.requireNonNull(value, "rpName");
            if (value.isBlank()) {
                throw new IllegalArgumentException("rpName must not be blank");
            }
            this.rpName = value;
            return this;
        }

        /**
         * An origin allowed in client data, e.g. {@code https://example.com} or
         * {@code http://localhost:8080}; its host must be the RP id or one of its subdomains. Native
         * app origins go to {@link #androidAppOrigin}, embedding pages to {@link #allowedTopOrigin}.
         */
        public Builder origin(String value) {
            Objects.requireNonNull(value, "origin");
            if (value.startsWith(ANDROID_APP_ORIGIN_PREFIX)) {
                throw new IllegalArgumentException(
                        "origin takes web origins; use androidAppOrigin for '" + value + "'");
            }
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("origin is not a URI: '" + value + "'", e);
            }
            boolean https = "https".equals(uri.getScheme());
            boolean localHttp = "http".equals(uri.getScheme()) && "localhost".equals(uri.getHost());
            if (!(https || localHttp)
                    || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty())
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "origin must be https://host[:port] (or http://localhost[:port]), was '" + value + "'");
            }
            origins.add(value);
            return this;
        }

        public Builder origins(Iterable<String> values) {
            values.forEach(this::origin);
            return this;
        }

        /**
         * The origin an Android app reports when it uses the relying party's passkeys through
         * Credential Manager: {@code android:apk-key-hash:} followed by the unpadded base64url
         * SHA-256 of the app's signing certificate (43 characters). The app must be listed in the
         * RP domain's {@code /.well-known/assetlinks.json}; Android checks that, passkeyflow checks
         * the exact origin string (Yubico 2.9.0 matches origins that are not URLs exactly). iOS and
         * macOS apps report the https origin of their associated domain, so {@link #origin} covers
         * them. Default: none.
         *
         * @throws IllegalArgumentException if the value is not of that form
         */
        public Builder androidAppOrigin(String value) {
            Objects.requireNonNull(value, "androidAppOrigin");
            String hash = value.startsWith(ANDROID_APP_ORIGIN_PREFIX)
                    ? value.substring(ANDROID_APP_ORIGIN_PREFIX.length())
                    : "";
            if (!APK_KEY_HASH.matcher(hash).matches()) {
                throw new IllegalArgumentException("androidAppOrigin must be " + ANDROID_APP_ORIGIN_PREFIX
                        + "<43 base64url characters: the SHA-256 of the signing certificate>, was '" + value + "'");
            }
            appOrigins.add(value);
            return this;
        }

        /**
         * A top-level origin allowed to embed the relying party's pages in a cross-origin iframe
         * that runs passkey ceremonies (client data with {@code "crossOrigin": true} and
         * {@code "topOrigin"}, WebAuthn Level 3 §7.1 steps 10-11 and §7.2 steps 13-14). It may be on
         * any domain. Default: none, so every response made in a cross-origin iframe is refused
         * (the login fails as a wrong origin; a healing registration is not stored).
         *
         * @param value {@code https://host[:port]} (or {@code http://localhost[:port]})
         * @throws IllegalArgumentException if the value is not such an origin
         */
        public Builder allowedTopOrigin(String value) {
            Objects.requireNonNull(value, "allowedTopOrigin");
            allowedTopOrigins.add(webOrigin("allowedTopOrigin", value));
            return this;
        }

        private static String webOrigin(String name, String value) {
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not a URI: '" + value + "'", e);
            }
            boolean https = "https".equals(uri.getScheme());
            boolean localHttp = "http".equals(uri.getScheme()) && "localhost".equals(uri.getHost());
            if (!(https || localHttp)
                    || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty())
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        name + " must be https://host[:port] (or http://localhost[:port]), was '" + value + "'");
            }
            return value;
        }

        /** How long the browser may take for one ceremony; positive, at most 10 minutes. */
        public Builder ceremonyTimeout(Duration value) {
            this.ceremonyTimeout = positiveAtMost("ceremonyTimeout", value, Duration.ofMinutes(10));
            return this;
        }

        /** How long a flow lives from its start (default 5 minutes); positive, at most 1 hour. */
        public Builder flowTimeToLive(Duration value) {
            this.flowTimeToLive = positiveAtMost("flowTimeToLive", value, Duration.ofHours(1));
            return this;
        }

        public Builder userVerification(UserVerification value) {
            this.userVerification = Objects.requireNonNull(value, "userVerification");
            return this;
        }

        public Builder residentKey(ResidentKey value) {
            this.residentKey = Objects.requireNonNull(value, "residentKey");
            return this;
        }

        public Builder credentialRepository(CredentialRepository value) {
            this.credentials = Objects.requireNonNull(value, "credentialRepository");
            return this;
        }

        public Builder loginAttemptRepository(LoginAttemptRepository value) {
            this.attempts = Objects.requireNonNull(value, "loginAttemptRepository");
            return this;
        }

        public Builder flowStateRepository(FlowStateRepository value) {
            this.flows = Objects.requireNonNull(value, "flowStateRepository");
            return this;
        }

        /** The decision port; default {@link ThresholdLoginAdvisor#ofDefaults()}. */
        public Builder advisor(LoginAdvisor value) {
            this.advisor = Objects.requireNonNull(value, "advisor");
            return this;
        }

        public Builder listener(LoginFlowListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Responses larger than this many bytes (UTF-8) are rejected before parsing; 1 KiB to 1 MiB. */
        public Builder maxResponseBytes(int value) {
            if (value < 1024 || value > 1024 * 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be between 1024 and 1048576, was " + value);
            }
            this.maxResponseBytes = value;
            return this;
        }

        /** Failed traditional logins after which the flow locks (default 5); 1 to 100. */
        public Builder maxFallbackFailures(int value) {
            if (value < 1 || value > 100) {
                throw new IllegalArgumentException("maxFallbackFailures must be between 1 and 100, was " + value);
            }
            this.maxFallbackFailures = value;
            return this;
        }

        /** Passkey attempts after which the flow falls back whatever the advisor says (default 5); 1 to 20. */
        public Builder maxPasskeyAttempts(int value) {
            if (value < 1 || value > 20) {
                throw new IllegalArgumentException("maxPasskeyAttempts must be between 1 and 20, was " + value);
            }
            this.maxPasskeyAttempts = value;
            return this;
        }

        /** Where the host sends the user when the flow completes (default {@code /dashboard}). */
        public Builder completionRedirect(String value) {
            Objects.requireNonNull(value, "completionRedirect");
            // Browsers read "/\\host" as "//host", and drop tabs and newlines: both would leave the site.
            if (!value.startsWith("/")
                    || value.startsWith("//")
                    || value.contains("\\")
                    || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException(
                        "completionRedirect must be a local path starting with '/', was '" + value + "'");
            }
            this.completionRedirect = value;
            return this;
        }

        /**
         * How typed identifiers are normalised before lookup; default: trim and lower-case
         * ({@link Locale#ROOT}). The repository is searched with the result.
         */
        public Builder identifierNormalizer(UnaryOperator<String> value) {
            this.identifierNormalizer = Objects.requireNonNull(value, "identifierNormalizer");
            return this;
        }

        /** Limits on failed traditional logins and flow starts; default {@link LoginThrottle#ofDefaults()}. */
        public Builder throttle(LoginThrottle value) {
            this.throttle = Objects.requireNonNull(value, "throttle");
            return this;
        }

        /**
         * Where throttling counters are kept. Default: an {@link InMemoryThrottleRepository} of this
         * flow alone, which throttles each application node on its own; a deployment with several
         * nodes passes a shared one (e.g. the JDBC storage's).
         */
        public Builder throttleRepository(ThrottleRepository value) {
            this.throttles = Objects.requireNonNull(value, "throttleRepository");
            return this;
        }

        /**
         * Commits each step's flow update and its writes in one transaction. Optional; set it only
         * when the flow, credential and attempt repositories are views of the same database as this
         * one (e.g. all four from one JDBC storage). Without it, steps store their writes in the flow
         * record and apply them afterwards, with the same guarantees and more round trips. If it also
         * implements {@link dev.passkeyflow.storage.CountedFlowStart} (the JDBC one does), a login
         * start counts its throttle counters and stores its flow in that one call; the throttle
         * repository must then be a view of the same database too. If it implements
         * {@link dev.passkeyflow.storage.FlowLoadWithCredentials} (the JDBC one does),
         * {@code finishPasskey} reads the flow and the asserted credential's account in one call.
         */
        public Builder atomicStepRepository(AtomicStepRepository value) {
            this.atomicSteps = Objects.requireNonNull(value, "atomicStepRepository");
            return this;
        }

        /**
         * Where offer events (offered, declined, cancelled, accepted) are kept for per-kind cooldowns
         * and unanswered-offer counters. Default: an in-memory repository of this flow alone (per
         * node); a deployment with several nodes passes a shared one (the JDBC storage's
         * {@code events()}).
         */
        public Builder passkeyEventRepository(PasskeyEventRepository value) {
            this.passkeyEvents = Objects.requireNonNull(value, "passkeyEventRepository");
            return this;
        }

        /** Per-kind offer cooldowns applied on top of the advisor; default {@link OfferCooldowns#ofDefaults()}. */
        public Builder offerCooldowns(OfferCooldowns value) {
            this.offerCooldowns = Objects.requireNonNull(value, "offerCooldowns");
            return this;
        }

        /**
         * Builds the flow from the settings made so far.
         *
         * @return a new, thread-safe {@link LoginFlow}
         * @throws IllegalStateException naming the first missing required setting
         */
        public LoginFlow build() {
            if (rpId == null) {
                throw new IllegalStateException("rpId is required");
            }
            if (rpName == null) {
                throw new IllegalStateException("rpName is required");
            }
            if (origins.isEmpty()) {
                throw new IllegalStateException("at least one origin is required");
            }
            if (credentials == null) {
                throw new IllegalStateException("credentialRepository is required");
            }
            if (attempts == null) {
                throw new IllegalStateException("loginAttemptRepository is required");
            }
            if (flows == null) {
                throw new IllegalStateException("flowStateRepository is required");
            }
            requireConsistent(rpId);
            Set<String> accepted = new LinkedHashSet<>(origins);
            accepted.addAll(appOrigins);
            FlowSettings settings = new FlowSettings(
                    rpId,
                    rpName,
                    Set.copyOf(accepted),
                    ceremonyTimeout,
                    flowTimeToLive,
                    userVerification,
                    residentKey,
                    credentials,
                    attempts,
                    flows,
                    advisor,
                    List.copyOf(listeners),
                    clock,
                    maxResponseBytes,
                    maxFallbackFailures,
                    maxPasskeyAttempts,
                    completionRedirect,
                    identifierNormalizer,
                    Set.copyOf(allowedTopOrigins),
                    throttle,
                    throttles != null
                            ? throttles
                            : new InMemoryThrottleRepository(clock, InMemoryThrottleRepository.DEFAULT_MAX_COUNTERS),
                    atomicSteps,
                    passkeyEvents != null ? passkeyEvents : new InMemoryPasskeyEventRepository(),
                    offerCooldowns);
            return LoginFlowFactory.create(settings);
        }

        /** Settings that are each valid but may contradict one another: origins and rpId, the two timeouts. */
        private void requireConsistent(String rpId) {
            for (String origin : origins) {
                String host = URI.create(origin).getHost();
                if (!(host.equals(rpId) || host.endsWith("." + rpId))) {
                    throw new IllegalStateException("origin " + origin + " is not on rpId " + rpId);
                }
            }
            if (ceremonyTimeout.compareTo(flowTimeToLive) > 0) {
                throw new IllegalStateException("ceremonyTimeout (" + ceremonyTimeout
                        + ") must not exceed flowTimeToLive (" + flowTimeToLive + ")");
            }
        }

        private static Duration positiveAtMost(String name, Duration value, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be positive and at most " + max + ", was " + value);
            }
            return value;
        }

        private static String defaultNormalize(String identifier) {
            return identifier.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the authenticator must verify the user (biometrics or PIN). */
    enum UserVerification {
        REQUIRED,
        PREFERRED,
        DISCOURAGED
    }

    /** Whether new passkeys should be discoverable (resident) credentials. */
    enum ResidentKey {
        REQUIRED,
        PREFERRED,
        DISCOURAGED
    }
}
