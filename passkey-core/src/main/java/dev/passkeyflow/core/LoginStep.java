package dev.passkeyflow.core;

import dev.passkeyflow.storage.Bytes;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the host shows the user next. Every method of {@link LoginFlow} returns one of these.
 *
 * <p>Every step carries the flow id and the Signal API calls the page should make now.
 */
public sealed interface LoginStep {

    /** The flow this step belongs to. */
    String flowId();

    /** Signal API calls for the page; empty when there are none. */
    List<ClientSignal> signals();

    /**
     * Run {@code navigator.credentials.get()} with {@link #credentialsGetJson()}.
     *
     * @param credentialsGetJson the argument of {@code navigator.credentials.get()} in JSON form: the
     *     {@code {"publicKey": {...}}} wrapper, with base64url binary values. Pass its
     *     {@code publicKey} member, not the wrapper, to
     *     {@code PublicKeyCredential.parseRequestOptionsFromJSON} (given the wrapper, the browser
     *     throws {@code TypeError}: the challenge is missing), then call
     *     {@code navigator.credentials.get({publicKey: parsed})}. {@code StepJson} and
     *     {@code passkeyflow-client.js} do this.
     * @param autoStart {@code true}: start the ceremony at once; {@code false}: show a "Sign in with
     *     a passkey" button (or, with {@code calmRetry}, "Try again") and start it on click. Never
     *     {@code true} together with {@code calmRetry}: the constructor clears it, so a page need
     *     not know to ignore it
     * @param attempt 1 for the first passkey attempt of the flow, 2 for the first retry, ...
     * @param calmRetry {@code true} when this is a retry after a cancel: say "Try again" calmly, not
     *     "something went wrong"
     * @param immediate {@code true}: call {@code navigator.credentials.get} with
     *     {@code uiMode: 'immediate'} (the page checked {@code getClientCapabilities().immediateGet});
     *     if it rejects with {@code NotAllowedError}, call
     *     {@link LoginFlow#reportImmediateRejection(String, long)} rather than
     *     {@link LoginFlow#reportClientError}. Send the request with an empty
     *     {@code allowCredentials}: Chromium 156 rejects immediate UI mode at once whenever the list
     *     is not empty, even with one of the listed passkeys present (measured with the virtual
     *     authenticator; the mode is meant for sign-in without a known account, see the W3C
     *     explainer "WebAuthn immediate mediation"). The flow still accepts only the passkeys it
     *     listed, as its stored request keeps them; {@code passkeyflow-client.js} empties the list
     *     itself. The mode needs the page's transient user activation (a click); without it run the
     *     challenge as a normal one, with the list. Only on the step that {@link LoginFlow#start}
     *     returns; a resumed or retried challenge is a normal one.
     * @param conditional {@code true} for a usernameless challenge ({@link LoginFlow#startUsernameless}):
     *     its {@code allowCredentials} is empty; run it with {@code mediation: "conditional"} on an
     *     identifier field with {@code autocomplete="username webauthn"} (autofill), or modally from a
     *     "Sign in with a passkey" button. Abort it (an {@code AbortController}) before starting an
     *     identifier-first flow on the same page, and do not report that abort.
     */
    record PasskeyChallenge(
            String flowId,
            String credentialsGetJson,
            boolean autoStart,
            int attempt,
            boolean calmRetry,
            List<ClientSignal> signals,
            boolean immediate,
            boolean conditional)
            implements LoginStep {
        public PasskeyChallenge {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(credentialsGetJson, "credentialsGetJson");
            // A calm retry waits for the person; popping the dialog again is what it exists to avoid.
            autoStart = autoStart && !calmRetry;
            signals = List.copyOf(signals);
            if (immediate && conditional) {
                throw new IllegalArgumentException("a challenge is either immediate or conditional, not both");
            }
        }

        /** A challenge for an identifier-first flow. */
        public PasskeyChallenge(
                String flowId,
                String credentialsGetJson,
                boolean autoStart,
                int attempt,
                boolean calmRetry,
                List<ClientSignal> signals,
                boolean immediate) {
            this(flowId, credentialsGetJson, autoStart, attempt, calmRetry, signals, immediate, false);
        }

        /** A normal (modal) challenge. */
        public PasskeyChallenge(
                String flowId,
                String credentialsGetJson,
                boolean autoStart,
                int attempt,
                boolean calmRetry,
                List<ClientSignal> signals) {
            this(flowId, credentialsGetJson, autoStart, attempt, calmRetry, signals, false);
        }
    }

    /**
     * Authenticate the user with the host's traditional method for {@link #identifier()}, then call
     * {@link LoginFlow#fallbackSucceeded(String)} or {@link LoginFlow#fallbackFailed(String)}.
     *
     * @param identifier the normalised identifier the flow was started with
     * @param remainingAttempts how many failed traditional logins the flow still accepts before it locks
     * @param passkeyAlternative whether the page may offer "use a passkey or security key instead",
     *     which calls {@link LoginFlow#retryPasskey(String)}: the account has a usable passkey and the
     *     flow has passkey attempts left. Never true for an unknown identifier.
     */
    record FallbackRequired(
            String flowId,
            FallbackReason reason,
            String identifier,
            int remainingAttempts,
            List<ClientSignal> signals,
            boolean passkeyAlternative)
            implements LoginStep {
        public FallbackRequired {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(identifier, "identifier");
            signals = List.copyOf(signals);
        }

        /** A fallback step without a passkey alternative. */
        public FallbackRequired(
                String flowId,
                FallbackReason reason,
                String identifier,
                int remainingAttempts,
                List<ClientSignal> signals) {
            this(flowId, reason, identifier, remainingAttempts, signals, false);
        }
    }

    /**
     * Offer to create a passkey; on acceptance run {@code navigator.credentials.create()} with
     * {@link #credentialsCreateJson()} and call {@link LoginFlow#finishHealing(String, String)}, or
     * {@link LoginFlow#reportHealingError(String, String, String, long)} if the browser throws, or
     * {@link LoginFlow#declineHealing(String)} if the user says no.
     *
     * @param credentialsCreateJson the argument of {@code navigator.credentials.create()} in JSON
     *     form: the {@code {"publicKey": {...}}} wrapper, base64url binary values, the account's
     *     passkeys in {@code excludeCredentials}. Pass its {@code publicKey} member, not the wrapper,
     *     to {@code PublicKeyCredential.parseCreationOptionsFromJSON}
     * @param diagnosis why the passkey login failed, for the page's wording (unknown for a first passkey)
     * @param platform the client's platform, for naming the OS dialog (Touch ID, Windows Hello, ...)
     * @param silent {@code true}: show nothing yet and call {@code navigator.credentials.create()} with
     *     {@code mediation: "conditional"} at once (automatic passkey upgrade, WebAuthn Level 3
     *     conditional create; the client reported {@code conditionalCreate}). The browser may create
     *     the passkey without a dialog: send it to {@link LoginFlow#finishHealing}. If the browser
     *     declines (it rejects the promise), call {@link LoginFlow#silentCreateDeclined(String)} and
     *     show the explicit offer it returns, so the user never sees both at once. {@code false}: show
     *     the offer and run {@code create()} normally when the user accepts.
     */
    record HealingOffer(
            String flowId,
            String credentialsCreateJson,
            HealingKind kind,
            FailureDiagnosis diagnosis,
            ClientPlatform platform,
            List<ClientSignal> signals,
            boolean silent)
            implements LoginStep {
        public HealingOffer {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(credentialsCreateJson, "credentialsCreateJson");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(diagnosis, "diagnosis");
            Objects.requireNonNull(platform, "platform");
            signals = List.copyOf(signals);
        }

        /** An explicit offer. */
        public HealingOffer(
                String flowId,
                String credentialsCreateJson,
                HealingKind kind,
                FailureDiagnosis diagnosis,
                ClientPlatform platform,
                List<ClientSignal> signals) {
            this(flowId, credentialsCreateJson, kind, diagnosis, platform, signals, false);
        }
    }

    /**
     * The user is authenticated: start the host session for {@link #userHandle()} and redirect to
     * {@link #redirectTo()}.
     *
     * @param userHandle the authenticated account; taken from the verified credential for a passkey
     *     login. {@code null} only when the host reported a successful traditional login for an
     *     identifier that has no account in the credential repository.
     * @param identifier the normalised identifier of the flow
     * @param newCredentialId the credential created by healing, if one was
     */
    record Completed(
            String flowId,
            AuthenticationMethod method,
            @Nullable Bytes userHandle,
            String identifier,
            HealingResult healing,
            @Nullable Bytes newCredentialId,
            String redirectTo,
            List<ClientSignal> signals)
            implements LoginStep {
        public Completed {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(healing, "healing");
            Objects.requireNonNull(redirectTo, "redirectTo");
            signals = List.copyOf(signals);
        }
    }
}
