package dev.passkeyflow.core.internal;

import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.data.AttestedCredentialData;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The calls on a flow that offers a new passkey: the browser's registration response
 * ({@code finishHealing}), its error ({@code reportHealingError}) or the user's refusal
 * ({@code declineHealing}). Every ending is a {@link HealingResult}; the attempt recorded for it
 * is derived in one place, {@link #attemptOutcome(HealingResult)}.
 */
final class HealingSteps {

    private final Engine engine;

    HealingSteps(Engine engine) {
        this.engine = engine;
    }

    /** The offer an advisor's decision makes. */
    static FlowSnapshot.Healing offered(FlowSnapshot.Healing healing, HealingDecision.Offer offer) {
        return healing.offer(
                offer.kind(),
                offer.diagnosis(),
                offer.platform(),
                offer.replacedCredentials(),
                offer.replacedCredentialStatus());
    }

    /**
     * The attempt outcome recorded for a healing result: the one mapping between the public
     * {@link HealingResult} and the storage SPI's registration outcomes.
     */
    static AttemptOutcome attemptOutcome(HealingResult result) {
        return switch (result) {
            case HEALED, ENROLLED -> AttemptOutcome.REGISTERED;
            case ALREADY_EXISTED -> AttemptOutcome.ALREADY_REGISTERED;
            case DECLINED -> AttemptOutcome.REGISTRATION_DECLINED;
            case CANCELLED -> AttemptOutcome.REGISTRATION_CANCELLED;
            case FAILED -> AttemptOutcome.REGISTRATION_FAILED;
            case NOT_OFFERED -> throw new IllegalArgumentException("no attempt is recorded when nothing was offered");
        };
    }

    /** {@link FlowTransition#HEALED}, or {@link FlowTransition#HEALING_ENDED} when the registration is refused. */
    LoginStep finishHealing(FlowSnapshot current, String responseJson, StepReceipt receipt) {
        PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response =
                YubicoJson.registrationResponse(responseJson);
        AttestedCredentialData attested = RegistrationVerification.requireCredential(response);
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        Optional<RegistrationResult> verified = verify(current, response, attested);
        if (verified.isEmpty()) {
            return end(current, HealingResult.FAILED, null, -1, receipt);
        }
        RegistrationResult result = verified.get();
        Instant now = engine.now();
        Bytes newId = YubicoCredentialAdapter.toBytes(attested.getCredentialId());
        Bytes publicKey = YubicoCredentialAdapter.toBytes(result.getPublicKeyCose());
        Optional<StoredCredential> existing = engine.credentials.findCredential(newId);
        if (existing.isPresent()
                && !(existing.get().userHandle().equals(userHandle)
                        && existing.get().publicKeyCose().equals(publicKey))) {
            // A credential id the server already knows for someone else: never take it over.
            return end(current, HealingResult.FAILED, null, -1, receipt);
        }
        List<Effect> effects = new ArrayList<>();
        effects.add(new Effect.SaveCredential(newCredential(current, response, result, newId, publicKey, now)));
        Set<Bytes> flagged = markReplaced(current, userHandle, newId, effects);
        HealingKind kind = Objects.requireNonNull(current.healing().kind());
        HealingResult healed = kind.hostInitiated() ? HealingResult.ENROLLED : HealingResult.HEALED;
        Engine.addAttempt(effects, current, newId, attemptOutcome(healed), null, -1, now);
        ClientSignal accepted =
                engine.steps.allAccepted(userHandle, newId, engine.credentials.listCredentials(userHandle));
        engine.ledger.answered(
                current.flowId(), kind, userHandle, current.client().deviceId(), PasskeyEvent.Type.ACCEPTED, now);
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.HEALED)
                        .withPending(null)
                        .withHealing(current.healing().ended(healed, newId)),
                receipt,
                effects);
        publishHealed(current, next, healed, newId, flagged, now);
        return engine.steps.stepFor(next, List.of(accepted), null);
    }

    /**
     * The registration verified against this flow's pending creation options, or empty when it is
     * refused (a check of {@link RegistrationVerification} or of Yubico's ceremony fails).
     */
    private Optional<RegistrationResult> verify(
            FlowSnapshot current,
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
            AttestedCredentialData attested) {
        PublicKeyCredentialCreationOptions options = YubicoJson.creationOptions(current.pendingRequestJson());
        Optional<RegistrationVerification.Refusal> refusal =
                RegistrationVerification.refusal(response, attested, engine.settings.allowedTopOrigins());
        if (refusal.isPresent()) {
            Engine.LOG.debug(
                    "flow {}: registration refused: {}", SnapshotCodec.abbreviate(current.flowId()), refusal.get());
            return Optional.empty();
        }
        // Without user presence only for a silent (conditional-create) offer of this very flow, whose
        // user authenticated in this flow.
        return engine.ceremonies.finishRegistration(
                current.flowId(), options, response, current.healing().silent());
    }

    /** The new passkey to store: active, owned by the flow's user, created on the flow's client. */
    private static StoredCredential newCredential(
            FlowSnapshot current,
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
            RegistrationResult result,
            Bytes newId,
            Bytes publicKey,
            Instant now) {
        // Yubico marks the backup flags experimental (@Deprecated); they are the authenticator data's BE and BS bits.
        @SuppressWarnings("deprecation")
        boolean backupEligible = result.isBackupEligible();
        @SuppressWarnings("deprecation")
        boolean backedUp = result.isBackedUp();
        return new StoredCredential(
                newId,
                Objects.requireNonNull(current.userHandle()),
                publicKey,
                result.getSignatureCount(),
                RegistrationVerification.transports(response.getResponse()),
                backupEligible,
                backedUp,
                Ceremonies.aaguid(result),
                now,
                null,
                Engine.clientInfo(current),
                null,
                CredentialStatus.ACTIVE,
                null);
    }

    /** The events of a stored new passkey: enrolled (host-initiated) or healed, then completed. */
    private void publishHealed(
            FlowSnapshot current,
            FlowSnapshot next,
            HealingResult healed,
            Bytes newId,
            Set<Bytes> flagged,
            Instant now) {
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        HealingKind kind = Objects.requireNonNull(current.healing().kind());
        if (kind.hostInitiated()) {
            engine.publish(new LoginFlowEvent.Enrolled(next.flowId(), now, userHandle, newId));
        } else {
            HealingPath path = current.healing().silent() ? HealingPath.SILENT : HealingPath.EXPLICIT;
            engine.publish(new LoginFlowEvent.Healed(
                    next.flowId(),
                    now,
                    userHandle,
                    newId,
                    flagged,
                    current.healing().diagnosis(),
                    kind,
                    path));
        }
        engine.publish(new LoginFlowEvent.Completed(
                next.flowId(), now, userHandle, Objects.requireNonNull(next.method()), healed));
    }

    /**
     * Adds the flags of the credentials the new passkey replaces: those the offer named and those
     * refused in this flow (e.g. a device-bound counter regression), if still this account's and active.
     *
     * @return the credentials flagged
     */
    private Set<Bytes> markReplaced(FlowSnapshot current, Bytes userHandle, Bytes newId, List<Effect> effects) {
        Set<Bytes> flagged = new LinkedHashSet<>();
        Set<Bytes> toFlag = new LinkedHashSet<>(current.healing().replacedCredentials());
        toFlag.addAll(AssertionVerification.refusedCredentials(current.passkey().failures()));
        for (Bytes replaced : toFlag) {
            Optional<StoredCredential> old =
                    replaced.equals(newId) ? Optional.empty() : engine.credentials.findCredential(replaced);
            if (old.isPresent()
                    && old.get().userHandle().equals(userHandle)
                    && old.get().status() == CredentialStatus.ACTIVE) {
                effects.add(new Effect.MarkReplaced(replaced, current.healing().replacedStatus()));
                flagged.add(replaced);
            }
        }
        return flagged;
    }

    /** {@link FlowTransition#HEALING_ENDED}: the browser's error, classified by {@link BrowserErrors#ofCreate}. */
    LoginStep healingError(FlowSnapshot current, String name, long elapsed, StepReceipt receipt) {
        return end(current, BrowserErrors.ofCreate(name), name, elapsed, receipt);
    }

    /** {@link FlowTransition#HEALING_ENDED}. */
    LoginStep decline(FlowSnapshot current, StepReceipt receipt) {
        return end(current, HealingResult.DECLINED, null, -1, receipt);
    }

    private LoginStep end(
            FlowSnapshot current, HealingResult result, @Nullable String errorName, long elapsed, StepReceipt receipt) {
        Instant now = engine.now();
        List<Effect> effects = new ArrayList<>();
        Engine.addAttempt(effects, current, null, attemptOutcome(result), errorName, elapsed, now);
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        PasskeyEvent.Type answer = switch (result) {
            case DECLINED -> PasskeyEvent.Type.DECLINED;
            case CANCELLED -> PasskeyEvent.Type.CANCELLED;
            case ALREADY_EXISTED -> PasskeyEvent.Type.ACCEPTED;
            default -> null;
        };
        if (answer != null) {
            engine.ledger.answered(
                    current.flowId(),
                    Objects.requireNonNull(current.healing().kind()),
                    userHandle,
                    current.client().deviceId(),
                    answer,
                    now);
        }
        // Read before the commit point: the completion tells the provider which passkeys still count.
        ClientSignal accepted =
                engine.steps.allAccepted(userHandle, null, engine.credentials.listCredentials(userHandle));
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.HEALING_ENDED)
                        .withPending(null)
                        .withHealing(current.healing().ended(result, null)),
                receipt,
                effects);
        engine.publish(new LoginFlowEvent.HealingDeclined(next.flowId(), now, next.userHandle(), result));
        engine.publish(new LoginFlowEvent.Completed(
                next.flowId(), now, next.userHandle(), Objects.requireNonNull(next.method()), result));
        return engine.steps.stepFor(next, StepRendering.unlessEmpty(accepted), null);
    }

    /**
     * {@link FlowTransition#SILENT_CREATE_DECLINED}: the browser declined the silent creation; the
     * explicit offer with a fresh challenge (the silent one may have reached an authenticator). The
     * browser's silent refusal is not the user's answer, so no cooldown is recorded for it.
     */
    LoginStep silentCreateDeclined(FlowSnapshot current, StepReceipt receipt) {
        if (!current.healing().silent()) {
            // The guard of the move: the call is legal in healing, but only a silent offer can be declined silently.
            throw new LoginFlowException(
                    LoginFlowException.Reason.ILLEGAL_TRANSITION, "no silent passkey creation is pending");
        }
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        UserAccount account = engine.credentials
                .findUserByHandle(userHandle)
                .orElseThrow(() -> new LoginFlowException(
                        LoginFlowException.Reason.ILLEGAL_TRANSITION, "the flow's account no longer exists"));
        PublicKeyCredentialCreationOptions options = RegistrationVerification.withoutExcluded(
                engine.ceremonies.startRegistration(account),
                AssertionVerification.refusedCredentials(current.passkey().failures()));
        FlowSnapshot next = engine.runner.commit(
                Engine.move(current, FlowTransition.SILENT_CREATE_DECLINED)
                        .withPending(engine.pending(YubicoJson.toJson(options)))
                        .withHealing(current.healing().silently(false)),
                receipt,
                List.of());
        Engine.LOG.debug(
                "flow {}: silent passkey creation declined by the browser; explicit offer",
                SnapshotCodec.abbreviate(current.flowId()));
        return engine.steps.stepFor(next, List.of(), YubicoJson.credentialsCreateJson(options));
    }
}
