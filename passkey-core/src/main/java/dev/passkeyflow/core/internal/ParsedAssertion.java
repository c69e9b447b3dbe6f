package dev.passkeyflow.core.internal;

import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.storage.Bytes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An assertion response parsed once, before its flow is loaded, so that the credential it names
 * can be read together with the flow. A response that does not parse is refused only where the
 * step checks its input, after the flow's state: the order of refusals stays that of any call.
 */
final class ParsedAssertion {

    private final @Nullable PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>
            response;
    private final @Nullable LoginFlowException refusal;

    private ParsedAssertion(
            @Nullable PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            @Nullable LoginFlowException refusal) {
        this.response = response;
        this.refusal = refusal;
    }

    static ParsedAssertion of(String json) {
        try {
            return new ParsedAssertion(YubicoJson.assertionResponse(json), null);
        } catch (LoginFlowException e) {
            return new ParsedAssertion(null, e);
        }
    }

    /** The credential id the response names, or null if it does not parse or names none. */
    @Nullable
    Bytes credentialId() {
        return response == null || response.getId().isEmpty()
                ? null
                : YubicoCredentialAdapter.toBytes(response.getId());
    }

    /** @throws LoginFlowException {@code INVALID_INPUT} if the response did not parse */
    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response() {
        if (response == null) {
            throw Objects.requireNonNull(refusal);
        }
        return response;
    }
}
