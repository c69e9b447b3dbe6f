package dev.passkeyflow.core.internal;

import com.yubico.webauthn.data.AttestedCredentialData;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorData;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.storage.Bytes;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registration-ceremony checks passkeyflow makes around Yubico's {@code finishRegistration}
 * (WebAuthn Level 3 §7.1), where Yubico 2.9.0 skips a step. {@code docs/webauthn-verification.md}
 * maps every step of §7.1 to the class that performs it and to its test.
 */
final class RegistrationVerification {

    /** §7.1 step 25: credential ids longer than this SHOULD fail the ceremony. */
    static final int MAX_CREDENTIAL_ID_BYTES = 1023;
    /** Longest transport string stored; longer ones are dropped (the spec defines none above 10 characters). */
    static final int MAX_TRANSPORT_LENGTH = 32;
    /** Most transports stored per credential; the spec defines six. */
    static final int MAX_TRANSPORTS = 8;

    /** Why passkeyflow refuses a registration that is well formed. */
    enum Refusal {
        /** The JSON {@code id} / {@code rawId} is not the credential id in the attested credential data. */
        CREDENTIAL_ID_NOT_ATTESTED,
        /** The credential id is longer than 1023 bytes (§7.1 step 25). */
        CREDENTIAL_ID_TOO_LONG,
        /** Made in a cross-origin iframe the relying party did not allow (§7.1 steps 10-11). */
        FRAME_NOT_ALLOWED
    }

    private RegistrationVerification() {}

    /**
     * Checks that a parsed response is a credential creation result at all.
     *
     * @return the attested credential data
     * @throws LoginFlowException {@code INVALID_INPUT} when {@code id} / {@code rawId} are empty,
     *     or the authenticator data carries no attested credential data (AT flag clear, §6.1): the
     *     response then creates no credential, and the offer stays valid
     */
    static AttestedCredentialData requireCredential(
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response) {
        if (response.getId().isEmpty()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "the response names no credential id");
        }
        AuthenticatorData authData = response.getResponse().getAttestation().getAuthenticatorData();
        Optional<AttestedCredentialData> attested = authData.getAttestedCredentialData();
        if (!authData.getFlags().AT || attested.isEmpty()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "the response carries no attested credential");
        }
        return attested.get();
    }

    /**
     * The checks of §7.1 Yubico 2.9.0 does not make. The credential id that is stored is the one
     * in the attested credential data, and the JSON id must equal it: Yubico takes the JSON id, so
     * a client (or an attacker) could otherwise store an id the authenticator never made, and the
     * next login would ask for a credential that does not exist.
     *
     * @return the refusal, or empty when the registration may go on to Yubico
     */
    static Optional<Refusal> refusal(
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
            AttestedCredentialData attested,
            Set<String> allowedTopOrigins) {
        if (!attested.getCredentialId().equals(response.getId())) {
            return Optional.of(Refusal.CREDENTIAL_ID_NOT_ATTESTED);
        }
        if (attested.getCredentialId().size() > MAX_CREDENTIAL_ID_BYTES) {
            return Optional.of(Refusal.CREDENTIAL_ID_TOO_LONG);
        }
        if (!ClientDataFrame.of(response.getResponse().getClientDataJSON().getBytes())
                .allowedBy(allowedTopOrigins)) {
            return Optional.of(Refusal.FRAME_NOT_ALLOWED);
        }
        return Optional.empty();
    }

    /**
     * The transports to store (§7.1 step 27, {@code getTransports()}). Lenient: the spec says
     * relying parties SHOULD store unknown values, so {@code hybrid}, {@code smart-card} and
     * strings no spec defines yet (Firefox on Android reports {@code cable}:
     * https://github.com/w3c/webauthn/issues/2286) are kept; blank strings (iCloud Keychain has
     * sent {@code ""}: https://github.com/Yubico/java-webauthn-server/issues/386) and over-long
     * ones are dropped, as they could only break a later {@code allowCredentials} list.
     */
    static Set<String> transports(AuthenticatorAttestationResponse response) {
        Set<String> transports = new TreeSet<>();
        for (AuthenticatorTransport transport : response.getTransports()) {
            String id = transport.getId();
            if (!id.isBlank() && id.length() <= MAX_TRANSPORT_LENGTH && transports.size() < MAX_TRANSPORTS) {
                transports.add(id);
            }
        }
        return transports;
    }

    /**
     * The creation options without the given credentials in {@code excludeCredentials}: the ones
     * the server refused in this flow, which the user must be able to replace (an excluded
     * credential the authenticator holds makes it answer {@code InvalidStateError}).
     */
    static PublicKeyCredentialCreationOptions withoutExcluded(
            PublicKeyCredentialCreationOptions options, Set<Bytes> keep) {
        if (keep.isEmpty() || options.getExcludeCredentials().isEmpty()) {
            return options;
        }
        Set<PublicKeyCredentialDescriptor> excluded = new LinkedHashSet<>();
        for (PublicKeyCredentialDescriptor descriptor :
                options.getExcludeCredentials().get()) {
            if (!keep.contains(YubicoCredentialAdapter.toBytes(descriptor.getId()))) {
                excluded.add(descriptor);
            }
        }
        return options.toBuilder().excludeCredentials(Optional.of(excluded)).build();
    }
}
