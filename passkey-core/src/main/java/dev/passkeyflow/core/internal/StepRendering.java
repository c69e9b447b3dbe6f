package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a flow's state into the {@link LoginStep} the host renders, with the {@link ClientSignal}s
 * the browser should pass on to its passkey provider.
 */
final class StepRendering {

    private final FlowSettings settings;
    private final CredentialRepository credentials;

    StepRendering(FlowSettings settings) {
        this.settings = settings;
        this.credentials = settings.credentials();
    }

    /**
     * The step of a stored state.
     *
     * @param ceremonyJson the browser's options when the caller has them at hand; otherwise they
     *     are rebuilt from the stored request
     */
    LoginStep stepFor(FlowSnapshot s, List<ClientSignal> signals, @Nullable String ceremonyJson) {
        return switch (s.state()) {
            case PASSKEY_PENDING ->
                new LoginStep.PasskeyChallenge(
                        s.flowId(),
                        ceremonyJson != null
                                ? ceremonyJson
                                : YubicoJson.credentialsGetJson(YubicoJson.assertionRequest(s.pendingRequestJson())),
                        s.passkey().autoStart(),
                        s.passkey().attempts(),
                        s.passkey().calmRetry(),
                        signals,
                        false,
                        UsernamelessSteps.isUsernameless(s));
            case FALLBACK_PENDING -> fallbackStep(s, signals, passkeyAlternative(s));
            case HEALING_PENDING ->
                new LoginStep.HealingOffer(
                        s.flowId(),
                        ceremonyJson != null
                                ? ceremonyJson
                                : YubicoJson.credentialsCreateJson(YubicoJson.creationOptions(s.pendingRequestJson())),
                        Objects.requireNonNull(s.healing().kind()),
                        s.healing().diagnosis(),
                        s.healing().platform(),
                        signals,
                        s.healing().silent());
            case COMPLETED ->
                new LoginStep.Completed(
                        s.flowId(),
                        Objects.requireNonNull(s.method()),
                        s.userHandle(),
                        s.identifier(),
                        Objects.requireNonNullElse(s.healing().result(), HealingResult.NOT_OFFERED),
                        s.healing().newCredentialId(),
                        settings.completionRedirect(),
                        signals);
            case LOCKED -> throw new LoginFlowException(Reason.LOCKED, "too many failed logins; start again later");
            case NEW -> throw new IllegalStateException("a stored flow is never NEW");
        };
    }

    /** The step of a stored state handed to a repeat of the call that made it. */
    LoginStep repeatStep(FlowSnapshot s) {
        return stepFor(s, completionSignals(s), null);
    }

    LoginStep fallbackStep(FlowSnapshot s, List<ClientSignal> signals, boolean passkeyAlternative) {
        int failures = s.fallback().failures();
        return new LoginStep.FallbackRequired(
                s.flowId(),
                failures > 0
                        ? FallbackReason.FALLBACK_FAILED
                        : Objects.requireNonNullElse(s.fallback().reason(), FallbackReason.PASSKEY_NOT_AVAILABLE),
                s.identifier(),
                settings.maxFallbackFailures() - failures,
                signals,
                passkeyAlternative);
    }

    /**
     * Whether a fallback step may offer a passkey instead: the account has a usable passkey and the
     * flow has attempts left. An unknown identifier costs the same lookup and gets the same answer
     * as an account without passkeys.
     */
    boolean passkeyAlternative(FlowSnapshot s) {
        Bytes userHandle = s.userHandle();
        boolean usable = anyUsable(
                credentials.listCredentials(userHandle == null ? CredentialRepository.NO_ACCOUNT : userHandle));
        return userHandle != null && usable && attemptsLeft(s);
    }

    boolean attemptsLeft(FlowSnapshot s) {
        return s.passkey().attempts() < settings.maxPasskeyAttempts();
    }

    static boolean anyUsable(List<StoredCredential> list) {
        for (StoredCredential c : list) {
            if (c.status().acceptsLogin()) {
                return true;
            }
        }
        return false;
    }

    private List<ClientSignal> completionSignals(FlowSnapshot s) {
        Bytes userHandle = s.userHandle();
        // Every authenticated completion of a known account carries the full accepted list.
        if (s.state() == FlowState.COMPLETED && userHandle != null) {
            return unlessEmpty(allAccepted(userHandle, null, credentials.listCredentials(userHandle)));
        }
        return List.of();
    }

    /**
     * The accepted-credentials signal for a completion, or none when the account has no accepted
     * passkey: an empty list would make providers hide every passkey of the user, and the likeliest
     * empty list is an accident (a storage view missing rows, a passkey being added in another
     * flow), not a fact worth acting on.
     */
    static List<ClientSignal> unlessEmpty(ClientSignal accepted) {
        return accepted instanceof ClientSignal.AllAcceptedCredentials all
                        && all.allAcceptedCredentialIds().isEmpty()
                ? List.of()
                : List.of(accepted);
    }

    /**
     * The full list of the account's accepted credentials, plus {@code added} when a step is about
     * to store it: never a partial list, since providers may hide every passkey not listed.
     */
    ClientSignal allAccepted(Bytes userHandle, @Nullable Bytes added, List<StoredCredential> list) {
        List<String> ids = new ArrayList<>();
        for (StoredCredential c : list) {
            if (c.status().acceptsLogin() && !c.credentialId().equals(added)) {
                ids.add(c.credentialId().toBase64Url());
            }
        }
        if (added != null) {
            ids.add(added.toBase64Url());
        }
        return new ClientSignal.AllAcceptedCredentials(settings.rpId(), userHandle.toBase64Url(), ids);
    }

    /** Tells the provider that no account owns this credential id. */
    ClientSignal unknownCredential(Bytes credentialId) {
        return new ClientSignal.UnknownCredential(settings.rpId(), credentialId.toBase64Url());
    }
}
