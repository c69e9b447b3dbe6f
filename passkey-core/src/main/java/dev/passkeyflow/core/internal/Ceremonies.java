package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call into Yubico's {@link RelyingParty}: starting and finishing the authentication and
 * registration ceremonies, with passkeyflow's own checks around them ({@link AssertionPrecheck},
 * {@link AssertionVerification}, {@link RegistrationVerification}). Failures come back classified
 * as {@link AttemptOutcome}s, never as Yubico's exceptions. Tests may build one over another
 * {@link RelyingParty}.
 */
class Ceremonies {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);

    private final FlowSettings settings;
    private final YubicoCredentialAdapter credentials;
    private final RelyingParty relyingParty;
    private final AssertionPrecheck precheck;

    Ceremonies(FlowSettings settings, YubicoCredentialAdapter credentials, RelyingParty relyingParty) {
        this.settings = settings;
        this.credentials = credentials;
        this.relyingParty = relyingParty;
        this.precheck = new AssertionPrecheck(settings);
    }

    /** The ceremonies of a flow with these settings, over a relying party configured from them. */
    static Ceremonies of(FlowSettings settings) {
        YubicoCredentialAdapter adapter = new YubicoCredentialAdapter(settings.credentials());
        RelyingParty relyingParty = RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder()
                        .id(settings.rpId())
                        .name(settings.rpName())
                        .build())
                .credentialRepository(adapter)
                .origins(settings.origins())
                // Counters are checked after Yubico verified the signature: synced passkeys may count
                // down (AssertionVerification.counterRefusal).
                .validateSignatureCounter(false)
                .allowUntrustedAttestation(true)
                .build();
        return new Ceremonies(settings, adapter, relyingParty);
    }

    /** A new assertion request for an identifier. */
    AssertionRequest startAssertion(String identifier) {
        return relyingParty.startAssertion(StartAssertionOptions.builder()
                .username(identifier)
                .userVerification(userVerification())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    /**
     * A new usernameless assertion request: no username, so Yubico leaves {@code allowCredentials}
     * empty and any discoverable passkey of the RP may answer (autofill).
     */
    AssertionRequest startUsernamelessAssertion() {
        return relyingParty.startAssertion(StartAssertionOptions.builder()
                .userVerification(userVerification())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    /** As {@link #startAssertion(String)}, with the account's credentials the step has already listed. */
    AssertionRequest startAssertion(YubicoCredentialAdapter.KnownReads known) {
        return credentials.with(known, () -> startAssertion(known.identifier()));
    }

    /** New creation options for an account (its passkeys excluded). */
    PublicKeyCredentialCreationOptions startRegistration(UserAccount user) {
        return relyingParty.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder()
                        .name(user.identifier())
                        .displayName(user.displayName())
                        .id(YubicoCredentialAdapter.toByteArray(user.userHandle()))
                        .build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.valueOf(
                                settings.residentKey().name()))
                        .userVerification(userVerification())
                        .build())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    private UserVerificationRequirement userVerification() {
        return UserVerificationRequirement.valueOf(settings.userVerification().name());
    }

    /** What an assertion proved: the verified result, or why it was refused. */
    sealed interface AssertionVerdict {
        record Verified(AssertionResult result, StoredCredential stored) implements AssertionVerdict {}

        record Refused(AttemptOutcome outcome) implements AssertionVerdict {}
    }

    /**
     * Verifies an assertion for the flow's account: passkeyflow's prechecks, then Yubico's
     * verification, then the identity and counter checks on its result.
     *
     * @param stored the presented credential as stored, if the server knows it
     */
    AssertionVerdict verifyAssertion(
            FlowSnapshot s,
            AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            Optional<StoredCredential> stored) {
        AttemptOutcome rejected = precheck.rejection(s, request, response, stored);
        if (rejected != null) {
            return new AssertionVerdict.Refused(rejected);
        }
        Bytes userHandle = Objects.requireNonNull(s.userHandle());
        AssertionResult result;
        try {
            // What this step already read: the credential, and the account the flow is for.
            result = credentials.with(
                    new YubicoCredentialAdapter.KnownReads(s.identifier(), userHandle, null, stored.orElse(null)),
                    () -> finishAssertion(request, response));
        } catch (FailedAssertion e) {
            return new AssertionVerdict.Refused(
                    e.failure() instanceof InvalidSignatureCountException
                            ? AttemptOutcome.COUNTER_REGRESSION
                            : BrowserErrors.classifyAssertionFailure(e.failure()));
        } catch (RuntimeException e) {
            // Yubico reports malformed parts (CBOR, keys, base64) with unchecked exceptions. A
            // storage failure inside its credential lookups is not a verdict on the passkey.
            BrowserErrors.rethrowStorageFailure(e);
            LOG.debug(
                    "flow {}: assertion unverifiable: {}",
                    SnapshotCodec.abbreviate(s.flowId()),
                    e.getClass().getSimpleName());
            return new AssertionVerdict.Refused(AttemptOutcome.VERIFICATION_FAILED);
        }
        if (!result.isSuccess()) {
            return new AssertionVerdict.Refused(AttemptOutcome.VERIFICATION_FAILED);
        }
        if (!YubicoCredentialAdapter.toBytes(result.getCredential().getUserHandle())
                .equals(userHandle)) {
            // Identity comes from the verified credential, never from the flow's username.
            return new AssertionVerdict.Refused(AttemptOutcome.WRONG_USER);
        }
        AttemptOutcome counter = AssertionVerification.counterRefusal(stored.orElseThrow(), result);
        return counter != null
                ? new AssertionVerdict.Refused(counter)
                : new AssertionVerdict.Verified(result, stored.orElseThrow());
    }

    private AssertionResult finishAssertion(
            AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response) {
        try {
            return relyingParty.finishAssertion(FinishAssertionOptions.builder()
                    .request(request)
                    .response(response)
                    .build());
        } catch (AssertionFailedException e) {
            throw new FailedAssertion(e);
        }
    }

    /** Carries Yubico's checked failure through the supplier that serves known reads. */
    private static final class FailedAssertion extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FailedAssertion(AssertionFailedException cause) {
            super(null, cause, false, false);
        }

        AssertionFailedException failure() {
            return (AssertionFailedException) Objects.requireNonNull(getCause());
        }
    }

    /**
     * Yubico's verification of a registration response.
     *
     * @param conditionalCreate whether the offer was silent (conditional create): only then is a
     *     registration without user presence (UP=0) accepted, through Yubico 2.9.0's
     *     {@code FinishRegistrationOptions.isConditionalCreate}
     * @return the result, or empty when verification refused it (logged by kind only: Yubico's
     *     messages may quote client data)
     */
    Optional<RegistrationResult> finishRegistration(
            String flowId,
            PublicKeyCredentialCreationOptions options,
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
            boolean conditionalCreate) {
        try {
            // Yubico marks isConditionalCreate experimental (@Deprecated); it is WebAuthn Level 3's
            // conditional create, which may register without user presence.
            @SuppressWarnings("deprecation")
            FinishRegistrationOptions finish = FinishRegistrationOptions.builder()
                    .request(options)
                    .response(response)
                    .isConditionalCreate(conditionalCreate)
                    .build();
            return Optional.of(relyingParty.finishRegistration(finish));
        } catch (RegistrationFailedException | RuntimeException e) {
            BrowserErrors.rethrowStorageFailure(e);
            LOG.debug(
                    "flow {}: registration rejected by verification ({})",
                    SnapshotCodec.abbreviate(flowId),
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    static @Nullable Bytes aaguid(RegistrationResult result) {
        byte[] value = result.getAaguid().getBytes();
        return value.length == 16 ? Bytes.of(value) : null;
    }
}
