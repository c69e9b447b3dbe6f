package dev.passkeyflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.PublicKeyCredentialParameters;
import com.yubico.webauthn.data.PublicKeyCredentialRequestOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The flow's cached Yubico JSON mapper")
class YubicoJsonTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    // Yubico marks HYBRID @Deprecated only as EXPERIMENTAL (a young part of the spec).
    @SuppressWarnings("deprecation")
    private final AssertionRequest request = AssertionRequest.builder()
            .publicKeyCredentialRequestOptions(PublicKeyCredentialRequestOptions.builder()
                    .challenge(new ByteArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                    .rpId("example.com")
                    .allowCredentials(List.of(PublicKeyCredentialDescriptor.builder()
                            .id(new ByteArray(new byte[] {9, 9, 9}))
                            .transports(Set.of(AuthenticatorTransport.INTERNAL, AuthenticatorTransport.HYBRID))
                            .build()))
                    .userVerification(UserVerificationRequirement.PREFERRED)
                    .timeout(120_000L)
                    .build())
            .username("alice@example.com")
            .build();

    private final PublicKeyCredentialCreationOptions options = PublicKeyCredentialCreationOptions.builder()
            .rp(RelyingPartyIdentity.builder().id("example.com").name("Example").build())
            .user(UserIdentity.builder()
                    .name("alice@example.com")
                    .displayName("Alice")
                    .id(new ByteArray(new byte[] {7, 7}))
                    .build())
            .challenge(new ByteArray(new byte[] {4, 3, 2, 1}))
            .pubKeyCredParams(List.of(PublicKeyCredentialParameters.ES256, PublicKeyCredentialParameters.RS256))
            .timeout(120_000L)
            .build();

    @Test
    @DisplayName("writes the same JSON as Yubico's own helpers")
    void sameJsonAsYubico() throws Exception {
        assertThat(PLAIN.readTree(YubicoJson.toJson(request))).isEqualTo(PLAIN.readTree(request.toJson()));
        assertThat(PLAIN.readTree(YubicoJson.credentialsGetJson(request)))
                .isEqualTo(PLAIN.readTree(request.toCredentialsGetJson()));
        assertThat(PLAIN.readTree(YubicoJson.toJson(options))).isEqualTo(PLAIN.readTree(options.toJson()));
        assertThat(PLAIN.readTree(YubicoJson.credentialsCreateJson(options)))
                .isEqualTo(PLAIN.readTree(options.toCredentialsCreateJson()));
    }

    @Test
    @DisplayName("reads back what it wrote as equal Yubico objects")
    void roundTrip() throws Exception {
        assertThat(YubicoJson.YUBICO_JSON.readValue(YubicoJson.toJson(request), AssertionRequest.class))
                .isEqualTo(request);
        assertThat(YubicoJson.YUBICO_JSON.readValue(
                        YubicoJson.toJson(options), PublicKeyCredentialCreationOptions.class))
                .isEqualTo(options);
    }
}
