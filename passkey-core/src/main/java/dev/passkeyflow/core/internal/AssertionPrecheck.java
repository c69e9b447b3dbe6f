package dev.passkeyflow.core.internal;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.CollectedClientData;
import com.yubico.webauthn.data.PublicKeyCredential;
import dev.passkeyflow.core.LoginFlow.UserVerification;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.StoredCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks of an assertion that can be made precisely before Yubico's verification, so that the
 * outcome is classified from data rather than from exception messages.
 */
final class AssertionPrecheck {

    /** Grace added to the ceremony timeout before a challenge counts as expired (clock skew, slow networks). */
    private static final Duration CHALLENGE_GRACE = Duration.ofSeconds(30);

    private final FlowSettings settings;
    private final byte[] rpIdHash;

    AssertionPrecheck(FlowSettings settings) {
        this.settings = settings;
        this.rpIdHash = sha256(settings.rpId().getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the rejection, or {@code null} when Yubico should verify. */
    @Nullable
    AttemptOutcome rejection(
            FlowSnapshot s,
            AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            Optional<StoredCredential> stored) {
        AttemptOutcome credential = credentialRejection(s, response, stored);
        return credential != null ? credential : clientDataRejection(s, request, response);
    }

    private static @Nullable AttemptOutcome credentialRejection(
            FlowSnapshot s,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            Optional<StoredCredential> stored) {
        if (stored.isEmpty()) {
            return AttemptOutcome.UNKNOWN_CREDENTIAL;
        }
        if (!stored.get().userHandle().equals(s.userHandle())) {
            return AttemptOutcome.WRONG_USER;
        }
        if (!stored.get().status().acceptsLogin()) {
            return AttemptOutcome.CREDENTIAL_RETIRED;
        }
        Optional<Bytes> presentedHandle = response.getResponse().getUserHandle().map(YubicoCredentialAdapter::toBytes);
        if (presentedHandle.isPresent() && !presentedHandle.get().equals(s.userHandle())) {
            return AttemptOutcome.WRONG_USER;
        }
        return null;
    }

    private @Nullable AttemptOutcome clientDataRejection(
            FlowSnapshot s,
            AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response) {
        CollectedClientData clientData = response.getResponse().getClientData();
        if (!"webauthn.get".equals(clientData.getType())) {
            return AttemptOutcome.VERIFICATION_FAILED;
        }
        if (!clientData
                .getChallenge()
                .equals(request.getPublicKeyCredentialRequestOptions().getChallenge())) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        FlowSnapshot.Pending pending = s.pending();
        if (pending == null
                || settings.clock()
                        .instant()
                        .isAfter(pending.issuedAt()
                                .plus(settings.ceremonyTimeout())
                                .plus(CHALLENGE_GRACE))) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        if (!settings.origins().contains(clientData.getOrigin())) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (!ClientDataFrame.of(response.getResponse().getClientDataJSON().getBytes())
                .allowedBy(settings.allowedTopOrigins())) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (!MessageDigest.isEqual(
                response.getResponse()
                        .getParsedAuthenticatorData()
                        .getRpIdHash()
                        .getBytes(),
                rpIdHash)) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (settings.userVerification() == UserVerification.REQUIRED
                && !response.getResponse().getParsedAuthenticatorData().getFlags().UV) {
            return AttemptOutcome.USER_VERIFICATION_MISSING;
        }
        return null;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
