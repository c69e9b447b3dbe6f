package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.exception.Base64UrlException;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The authentication-ceremony checks passkeyflow makes around Yubico's {@code finishAssertion}
 * (WebAuthn Level 3 §7.2), where Yubico 2.9.0 skips a step or where real clients deviate from the
 * spec in a way that is harmless. {@code docs/webauthn-verification.md} maps every step of §7.2 to
 * the class that performs it and to its test.
 */
final class AssertionVerification {

    /**
     * Outcomes that say the presented credential itself could not be used, so a healing
     * registration must not exclude it: an authenticator asked to exclude a credential it holds
     * answers {@code InvalidStateError}, and the user could never replace the refused passkey.
     */
    private static final Set<AttemptOutcome> REFUSED_CREDENTIAL = EnumSet.of(
            AttemptOutcome.BAD_SIGNATURE,
            AttemptOutcome.COUNTER_REGRESSION,
            AttemptOutcome.USER_VERIFICATION_MISSING,
            AttemptOutcome.VERIFICATION_FAILED);

    private AssertionVerification() {}

    /**
     * The credential id of a parsed response (§7.2 step 6 looks the credential up by it).
     *
     * @throws LoginFlowException {@code INVALID_INPUT} when {@code id} / {@code rawId} are empty:
     *     such a response names no credential, so it is neither "unknown" (which would send a
     *     {@code signalUnknownCredential} for an empty id) nor a failed attempt; the challenge
     *     stays valid
     */
    static Bytes credentialId(PublicKeyCredential<?, ?> response) {
        if (response.getId().isEmpty()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "the response names no credential id");
        }
        return YubicoCredentialAdapter.toBytes(response.getId());
    }

    /**
     * The response with an empty user handle removed. Safari sends {@code "userHandle": ""} for
     * credentials it has no handle for, where the spec and other browsers send {@code null}
     * (https://github.com/w3c/webauthn/issues/1722, https://github.com/tweag/webauthn/pull/148).
     * A user handle is 1 to 64 bytes (§5.4.3), so an empty one names no account: lenient, it is
     * read as absent instead of as another user's handle.
     *
     * @throws LoginFlowException {@code INVALID_INPUT} if the response cannot be rebuilt (it parsed
     *     once, so this does not happen in practice)
     */
    static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> withoutEmptyUserHandle(
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response) {
        ByteArray handle = response.getResponse().getUserHandle().orElse(null);
        if (handle == null || !handle.isEmpty()) {
            return response;
        }
        try {
            return response.toBuilder()
                    .response(response.getResponse().toBuilder()
                            .userHandle(Optional.empty())
                            .build())
                    .build();
        } catch (IOException | Base64UrlException e) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "not a WebAuthn assertion response");
        }
    }

    /**
     * §7.2 step 22, the signature counter, decided after Yubico verified the signature (Yubico's
     * own counter check is off because it cannot tell synced from device-bound credentials).
     *
     * <ul>
     *   <li>A counter that increased, or that is 0 with a stored 0: valid.</li>
     *   <li>A lower or equal counter on a credential registered as backup eligible (a synced
     *       passkey): accepted. Copies on the devices of one sync fabric count independently or
     *       not at all (Apple, Google, KeePassXC report 0:
     *       https://github.com/keepassxreboot/keepassxc/issues/13323), so a lower value is no sign
     *       of a clone; it is reported as a {@code SignatureCounterAnomaly} event instead.</li>
     *   <li>A lower or equal counter on a device-bound credential: refused as
     *       {@link AttemptOutcome#COUNTER_REGRESSION} (the clone check the spec describes).</li>
     * </ul>
     *
     * <p>Whether a credential is synced comes from the stored BE flag, recorded at registration,
     * never from the assertion's own flags: a cloned key could set BE in what it signs.
     *
     * @return {@code null} when the login may complete, else the refusal
     */
    static @Nullable AttemptOutcome counterRefusal(StoredCredential stored, AssertionResult result) {
        if (result.isSignatureCounterValid() || stored.backupEligible()) {
            return null;
        }
        return AttemptOutcome.COUNTER_REGRESSION;
    }

    /** Whether the accepted assertion's counter did not increase: a signal worth an event. */
    static boolean counterRegressed(AssertionResult result) {
        return !result.isSignatureCounterValid();
    }

    /**
     * Credentials the server refused in this flow for a reason tied to the credential itself
     * (bad signature, counter regression, missing user verification, other verification
     * failures). A healing registration must not list them in {@code excludeCredentials}, and a
     * successful healing flags them like the credentials it replaces.
     */
    static Set<Bytes> refusedCredentials(List<PasskeyFailure> failures) {
        Set<Bytes> refused = new LinkedHashSet<>();
        for (PasskeyFailure failure : failures) {
            if (failure.credentialId() != null && REFUSED_CREDENTIAL.contains(failure.outcome())) {
                refused.add(failure.credentialId());
            }
        }
        return refused;
    }
}
