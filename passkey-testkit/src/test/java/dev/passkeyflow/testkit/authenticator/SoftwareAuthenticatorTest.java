package dev.passkeyflow.testkit.authenticator;

import static dev.passkeyflow.testkit.authenticator.TestRelyingParty.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.data.AttestationType;
import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("SoftwareAuthenticator")
// Yubico marks its experimental accessors (BE/BS, attachment, hybrid transport) as deprecated.
@SuppressWarnings("deprecation")
class SoftwareAuthenticatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID AAGUID = UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd");

    private TestRelyingParty rp;

    @BeforeEach
    void setUp() {
        rp = new TestRelyingParty();
    }

    private static SoftwareAuthenticator.Builder authenticator() {
        return SoftwareAuthenticator.builder().origin(ORIGIN);
    }

    private static String createJson(PublicKeyCredentialCreationOptions options) {
        try {
            return options.toCredentialsCreateJson();
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static String getJson(AssertionRequest request) {
        try {
            return request.toCredentialsGetJson();
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private AssertionResult login(SoftwareAuthenticator authenticator, String username)
            throws AssertionFailedException {
        AssertionRequest request = rp.startAssertion(username);
        return rp.finishAssertion(request, authenticator.authenticate(getJson(request)));
    }

    @Nested
    @DisplayName("ceremonies verified by Yubico's RelyingParty")
    class Ceremonies {

        static Stream<Arguments> algorithmsAndFormats() {
            return Stream.of(CoseAlgorithm.values())
                    .flatMap(algorithm ->
                            Stream.of(AttestationFormat.values()).map(format -> Arguments.of(algorithm, format)));
        }

        @ParameterizedTest(name = "{0} with {1} attestation")
        @MethodSource("algorithmsAndFormats")
        @DisplayName("registration and assertion succeed for every algorithm and attestation format")
        void registrationAndAssertionSucceed(CoseAlgorithm algorithm, AttestationFormat format) throws Exception {
            SoftwareAuthenticator authenticator =
                    authenticator().algorithms(algorithm).attestation(format).build();

            RegistrationResult registration = rp.register(authenticator, "alice");
            AuthenticatorCredential credential = authenticator.credentials().get(0);

            assertThat(registration.getKeyId().getId().getBase64Url()).isEqualTo(credential.credentialId());
            assertThat(registration.getPublicKeyCose().getBytes())
                    .isEqualTo(credential.publicKeyCose().toByteArray());
            assertThat(registration.getParsedPublicKey().getAlgorithm())
                    .isEqualTo(
                            algorithm == CoseAlgorithm.ES256
                                    ? "EC"
                                    : algorithm == CoseAlgorithm.RS256 ? "RSA" : "EdDSA");
            assertThat(registration.getAttestationType())
                    .isEqualTo(
                            format == AttestationFormat.PACKED
                                    ? AttestationType.SELF_ATTESTATION
                                    : AttestationType.NONE);
            assertThat(credential.algorithm()).isEqualTo(algorithm);

            AssertionResult assertion = login(authenticator, "alice");
            assertThat(assertion.isSuccess()).isTrue();
            assertThat(assertion.getCredential().getCredentialId().getBase64Url())
                    .isEqualTo(credential.credentialId());
            assertThat(assertion.getCredential().getUserHandle().getBase64Url()).isEqualTo(credential.userHandle());
            assertThat(assertion.getUsername()).isEqualTo("alice");
        }

        @Test
        @DisplayName("the first algorithm of pubKeyCredParams it supports is chosen")
        void firstSupportedAlgorithmIsChosen() {
            SoftwareAuthenticator authenticator = authenticator().build();

            rp.register(authenticator, "alice");

            // Yubico lists ES256 (-7) first
            assertThat(authenticator.credentials().get(0).algorithm()).isEqualTo(CoseAlgorithm.ES256);
        }

        @Test
        @DisplayName("a usernameless login uses the discoverable credential and returns its user handle")
        void usernamelessLogin() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");

            AssertionRequest request = rp.startAssertion(null);
            AssertionResult result = rp.finishAssertion(request, authenticator.authenticate(getJson(request)));

            assertThat(result.getUsername()).isEqualTo("alice");
            assertThat(result.getCredential().getUserHandle().getBase64Url())
                    .isEqualTo(authenticator.credentials().get(0).userHandle());
        }

        @Test
        @DisplayName("the user can pick one of several discoverable credentials")
        void userPicksCredential() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            rp.register(authenticator, "bob");
            String alices = authenticator.credentials().get(0).credentialId();

            AssertionRequest request = rp.startAssertion(null);
            AssertionResult result = rp.finishAssertion(request, authenticator.authenticate(getJson(request), alices));

            assertThat(result.getUsername()).isEqualTo("alice");
        }

        @Test
        @DisplayName("without a pick, the discoverable credential added last is used")
        void lastAddedDiscoverableCredentialIsUsed() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            rp.register(authenticator, "bob");

            AssertionRequest request = rp.startAssertion(null);
            AssertionResult result = rp.finishAssertion(request, authenticator.authenticate(getJson(request)));

            assertThat(result.getUsername()).isEqualTo("bob");
        }

        @Test
        @DisplayName("the bare options objects and Yubico's toJson() forms are accepted too")
        void otherInputFormsAreAccepted() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();

            PublicKeyCredentialCreationOptions bare = rp.startRegistration("alice");
            rp.finishRegistration(
                    bare,
                    authenticator.register(
                            tree(createJson(bare)).get("publicKey").toString()));
            PublicKeyCredentialCreationOptions persisted = rp.startRegistration("bob");
            rp.finishRegistration(persisted, authenticator.register(persisted.toJson()));

            AssertionRequest bareRequest = rp.startAssertion("alice");
            rp.finishAssertion(
                    bareRequest,
                    authenticator.authenticate(
                            tree(getJson(bareRequest)).get("publicKey").toString()));
            AssertionRequest persistedRequest = rp.startAssertion("bob");
            AssertionResult result =
                    rp.finishAssertion(persistedRequest, authenticator.authenticate(persistedRequest.toJson()));

            assertThat(result.getUsername()).isEqualTo("bob");
        }

        @Test
        @DisplayName("re-registering the same user replaces its discoverable credential, as CTAP2 does")
        void reRegistrationReplacesDiscoverableCredential() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            String first = authenticator.credentials().get(0).credentialId();

            PublicKeyCredentialCreationOptions withoutExclusions = rp.startRegistration("alice").toBuilder()
                    .excludeCredentials(java.util.Optional.empty())
                    .build();
            rp.finishRegistration(withoutExclusions, authenticator.register(createJson(withoutExclusions)));

            assertThat(authenticator.credentials()).hasSize(1);
            assertThat(authenticator.credentials().get(0).credentialId()).isNotEqualTo(first);
        }
    }

    @Nested
    @DisplayName("flags and attested data")
    class Flags {

        @ParameterizedTest(name = "BE={0}, BS={1}")
        @CsvSource({"false,false", "true,false", "true,true"})
        @DisplayName("the relying party sees the configured BE and BS flags")
        void backupFlags(boolean backupEligible, boolean backupState) throws Exception {
            SoftwareAuthenticator authenticator = authenticator()
                    .backupEligible(backupEligible)
                    .backupState(backupState)
                    .build();

            RegistrationResult registration = rp.register(authenticator, "alice");
            AssertionResult assertion = login(authenticator, "alice");

            assertThat(registration.isBackupEligible()).isEqualTo(backupEligible);
            assertThat(registration.isBackedUp()).isEqualTo(backupState);
            assertThat(assertion.isBackupEligible()).isEqualTo(backupEligible);
            assertThat(assertion.isBackedUp()).isEqualTo(backupState);
        }

        @Test
        @DisplayName("BE and BS can be changed for one credential")
        void backupFlagsPerCredential() throws Exception {
            SoftwareAuthenticator authenticator =
                    authenticator().backupEligible(true).build();
            rp.register(authenticator, "alice");
            String id = authenticator.credentials().get(0).credentialId();

            authenticator.setBackupFlags(id, true, true);

            assertThat(login(authenticator, "alice").isBackedUp()).isTrue();
            assertThat(authenticator.credential(id))
                    .get()
                    .extracting(AuthenticatorCredential::backupState)
                    .isEqualTo(true);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(AttestationFormat.class)
        @DisplayName("the configured AAGUID is reported")
        void aaguidIsReported(AttestationFormat format) {
            SoftwareAuthenticator authenticator =
                    authenticator().aaguid(AAGUID).attestation(format).build();

            RegistrationResult registration = rp.register(authenticator, "alice");

            byte[] expected = ByteBuffer.allocate(16)
                    .putLong(AAGUID.getMostSignificantBits())
                    .putLong(AAGUID.getLeastSignificantBits())
                    .array();
            assertThat(registration.getAaguid().getBytes()).isEqualTo(expected);
        }

        @Test
        @DisplayName("the default AAGUID is all zero")
        void defaultAaguidIsZero() {
            RegistrationResult registration = rp.register(authenticator().build(), "alice");

            assertThat(registration.getAaguid().getBytes()).isEqualTo(new byte[16]);
        }

        @ParameterizedTest(name = "UV={0}")
        @CsvSource({"true", "false"})
        @DisplayName("the relying party sees whether the user was verified")
        void userVerificationFlag(boolean userVerification) throws Exception {
            SoftwareAuthenticator authenticator =
                    authenticator().userVerification(userVerification).build();

            RegistrationResult registration = rp.register(authenticator, "alice");
            AssertionResult assertion = login(authenticator, "alice");

            assertThat(registration.isUserVerified()).isEqualTo(userVerification);
            assertThat(assertion.isUserVerified()).isEqualTo(userVerification);
        }

        @Test
        @DisplayName("the registration response carries transports, attachment and credProps")
        void registrationResponseDetails() throws Exception {
            SoftwareAuthenticator authenticator =
                    authenticator().transports("internal", "hybrid").build();
            PublicKeyCredentialCreationOptions request = rp.startRegistration("alice");

            RegistrationResult result = rp.finishRegistration(request, authenticator.register(createJson(request)));

            assertThat(result.getAuthenticatorAttachment()).contains(AuthenticatorAttachment.PLATFORM);
            assertThat(result.isDiscoverable()).contains(true);
            assertThat(result.getKeyId().getTransports())
                    .get()
                    .asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.collection(AuthenticatorTransport.class))
                    .containsExactlyInAnyOrder(AuthenticatorTransport.INTERNAL, AuthenticatorTransport.HYBRID);
        }

        @Test
        @DisplayName("a credential made without a resident key request is not discoverable when not always so")
        void nonDiscoverableCredential() throws Exception {
            SoftwareAuthenticator authenticator =
                    authenticator().alwaysDiscoverable(false).build();
            PublicKeyCredentialCreationOptions request = rp.startRegistration(
                    "alice", ResidentKeyRequirement.DISCOURAGED, UserVerificationRequirement.PREFERRED);

            RegistrationResult result = rp.finishRegistration(request, authenticator.register(createJson(request)));

            assertThat(result.isDiscoverable()).contains(false);
            assertThat(authenticator.credentials().get(0).discoverable()).isFalse();
            AssertionRequest usernameless = rp.startAssertion(null);
            assertThatThrownBy(() -> authenticator.authenticate(getJson(usernameless)))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("NotAllowedError"));
            assertThat(login(authenticator, "alice").getUsername()).isEqualTo("alice");
        }
    }

    @Nested
    @DisplayName("signature counter")
    class Counter {

        @Test
        @DisplayName("an incrementing counter reports its start at registration and one more per assertion")
        void incrementing() throws Exception {
            SoftwareAuthenticator authenticator = authenticator()
                    .signatureCounter(SignatureCounter.incrementingFrom(41))
                    .build();

            assertThat(rp.register(authenticator, "alice").getSignatureCount()).isEqualTo(41);
            assertThat(login(authenticator, "alice").getSignatureCount()).isEqualTo(42);
            assertThat(login(authenticator, "alice").getSignatureCount()).isEqualTo(43);
            assertThat(authenticator.credentials().get(0).signatureCount()).isEqualTo(43);
        }

        @Test
        @DisplayName("an always-zero counter passes the relying party's check every time")
        void alwaysZero() throws Exception {
            SoftwareAuthenticator authenticator = authenticator()
                    .signatureCounter(SignatureCounter.alwaysZero())
                    .build();
            rp.register(authenticator, "alice");

            assertThat(login(authenticator, "alice").getSignatureCount()).isZero();
            assertThat(login(authenticator, "alice").getSignatureCount()).isZero();
        }

        @Test
        @DisplayName("a signature count on file above the new one is rejected as a regression")
        void storedCountAboveNewIsRejected() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            rp.setStoredSignatureCount(authenticator.credentials().get(0).credentialId(), 100);

            assertThatThrownBy(() -> login(authenticator, "alice"))
                    .isInstanceOfSatisfying(InvalidSignatureCountException.class, e -> {
                        assertThat(e.getReceived()).isEqualTo(1);
                        assertThat(e.getExpectedMinimum()).isEqualTo(101);
                    });
        }

        @Test
        @DisplayName("COUNTER_BACKWARDS makes one assertion report less than the last, and is rejected")
        void counterBackwards() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            login(authenticator, "alice");
            login(authenticator, "alice");

            authenticator.injectOnNextCall(Fault.COUNTER_BACKWARDS);

            assertThatThrownBy(() -> login(authenticator, "alice"))
                    .isInstanceOfSatisfying(
                            InvalidSignatureCountException.class,
                            e -> assertThat(e.getReceived()).isEqualTo(1));
            assertThat(login(authenticator, "alice").getSignatureCount()).isEqualTo(3);
        }

        @Test
        @DisplayName("COUNTER_BACKWARDS on a counter at 0 is a usage error")
        void counterBackwardsFromZero() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            authenticator.injectOnNextCall(Fault.COUNTER_BACKWARDS);

            AssertionRequest request = rp.startAssertion("alice");
            assertThatThrownBy(() -> authenticator.authenticate(getJson(request)))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("a credential's counter can be set")
        void setSignatureCount() throws Exception {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            authenticator.setSignatureCount(authenticator.credentials().get(0).credentialId(), 500);

            assertThat(login(authenticator, "alice").getSignatureCount()).isEqualTo(501);
        }
    }

    @Nested
    @DisplayName("faults are rejected by the relying party")
    class Faults {

        private SoftwareAuthenticator authenticator;

        @BeforeEach
        void registerAlice() {
            authenticator =
                    authenticator().attestation(AttestationFormat.PACKED).build();
            rp.register(authenticator, "alice");
        }

        @Test
        @DisplayName("a corrupted assertion signature is rejected")
        void corruptedSignature() {
            authenticator.injectOnNextCall(Fault.CORRUPT_SIGNATURE);

            assertThatThrownBy(() -> login(authenticator, "alice")).isInstanceOf(AssertionFailedException.class);
        }

        @Test
        @DisplayName("a fault for the next call applies once")
        void nextCallFaultAppliesOnce() throws Exception {
            authenticator.injectOnNextCall(Fault.CORRUPT_SIGNATURE);
            assertThatThrownBy(() -> login(authenticator, "alice")).isInstanceOf(AssertionFailedException.class);

            assertThat(login(authenticator, "alice").isSuccess()).isTrue();
        }

        @Test
        @DisplayName("a fault set on the builder applies to every call")
        void builderFaultAppliesAlways() {
            SoftwareAuthenticator faulty =
                    authenticator().faults(Fault.CORRUPT_SIGNATURE).build();
            authenticator.copyTo(faulty, authenticator.credentials().get(0).credentialId());

            assertThatThrownBy(() -> login(faulty, "alice")).isInstanceOf(AssertionFailedException.class);
            assertThatThrownBy(() -> login(faulty, "alice")).isInstanceOf(AssertionFailedException.class);
        }

        @Test
        @DisplayName("an assertion from the wrong origin is rejected")
        void wrongOriginAssertion() {
            authenticator.injectOnNextCall(Fault.WRONG_ORIGIN);
            AssertionRequest request = rp.startAssertion("alice");
            String response = authenticator.authenticate(getJson(request));

            String clientData = new String(
                    TestRelyingParty.parseAssertion(response)
                            .getResponse()
                            .getClientDataJSON()
                            .getBytes(),
                    StandardCharsets.UTF_8);
            assertThat(tree(clientData).get("origin").asText()).isEqualTo(SoftwareAuthenticator.DEFAULT_WRONG_ORIGIN);
            assertThatThrownBy(() -> rp.finishAssertion(request, response))
                    .isInstanceOf(AssertionFailedException.class);
        }

        @Test
        @DisplayName("a registration from the wrong origin is rejected")
        void wrongOriginRegistration() {
            SoftwareAuthenticator phished = authenticator()
                    .wrongOrigin("https://examp1e.com")
                    .faults(Fault.WRONG_ORIGIN)
                    .build();
            PublicKeyCredentialCreationOptions request = rp.startRegistration("bob");
            String response = phished.register(createJson(request));

            assertThatThrownBy(() -> rp.finishRegistration(request, response))
                    .isInstanceOf(RegistrationFailedException.class);
        }

        @Test
        @DisplayName("a corrupted packed attestation signature is rejected")
        void corruptedAttestation() {
            authenticator.injectOnNextCall(Fault.CORRUPT_SIGNATURE);
            PublicKeyCredentialCreationOptions request = rp.startRegistration("bob");
            String response = authenticator.register(createJson(request));

            assertThatThrownBy(() -> rp.finishRegistration(request, response))
                    .isInstanceOf(RegistrationFailedException.class);
        }

        @Test
        @DisplayName("an assertion without user verification is rejected when it is required")
        void missingUserVerificationAssertion() throws Exception {
            authenticator.injectOnNextCall(Fault.NO_USER_VERIFICATION);
            AssertionRequest request = rp.startAssertion("alice", UserVerificationRequirement.REQUIRED);
            String response = authenticator.authenticate(getJson(request));

            assertThatThrownBy(() -> rp.finishAssertion(request, response))
                    .isInstanceOf(AssertionFailedException.class);
            AssertionRequest again = rp.startAssertion("alice", UserVerificationRequirement.REQUIRED);
            assertThat(rp.finishAssertion(again, authenticator.authenticate(getJson(again)))
                            .isUserVerified())
                    .isTrue();
        }

        @Test
        @DisplayName("a registration without user verification is rejected when it is required")
        void missingUserVerificationRegistration() {
            SoftwareAuthenticator unverified =
                    authenticator().userVerification(false).build();
            PublicKeyCredentialCreationOptions request =
                    rp.startRegistration("bob", ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.REQUIRED);
            String response = unverified.register(createJson(request));

            assertThatThrownBy(() -> rp.finishRegistration(request, response))
                    .isInstanceOf(RegistrationFailedException.class);
        }
    }

    @Nested
    @DisplayName("errors a browser reports")
    class BrowserErrors {

        @Test
        @DisplayName("registering a credential listed in excludeCredentials gives InvalidStateError")
        void excludedCredential() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            PublicKeyCredentialCreationOptions again = rp.startRegistration("alice");
            assertThat(again.getExcludeCredentials())
                    .get()
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
                    .hasSize(1);

            assertThatThrownBy(() -> authenticator.register(createJson(again)))
                    .isInstanceOfSatisfying(AuthenticatorException.class, e -> {
                        assertThat(e.domExceptionName()).isEqualTo("InvalidStateError");
                        assertThat(e.error()).isEqualTo(AuthenticatorException.DomError.INVALID_STATE);
                    });
        }

        @Test
        @DisplayName("a credential excluded on another authenticator does not stop registration")
        void excludedElsewhere() {
            rp.register(authenticator().build(), "alice");

            RegistrationResult second = rp.register(authenticator().build(), "alice");

            assertThat(second.getKeyId()).isNotNull();
        }

        @Test
        @DisplayName("a lost credential gives NotAllowedError")
        void lostCredential() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            String id = authenticator.credentials().get(0).credentialId();

            assertThat(authenticator.lose(id)).isTrue();

            AssertionRequest request = rp.startAssertion("alice");
            assertThatThrownBy(() -> authenticator.authenticate(getJson(request)))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("NotAllowedError"));
            assertThat(authenticator.lose(id)).isFalse();
        }

        @Test
        @DisplayName("after loseAll no credential is left")
        void loseAll() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            rp.register(authenticator, "bob");

            assertThat(authenticator.loseAll()).isEqualTo(2);

            assertThat(authenticator.credentials()).isEmpty();
            AssertionRequest request = rp.startAssertion(null);
            assertThatThrownBy(() -> authenticator.authenticate(getJson(request)))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("NotAllowedError"));
        }

        @Test
        @DisplayName("no supported algorithm gives NotSupportedError")
        void noSupportedAlgorithm() {
            String options = createJson(rp.startRegistration("alice"))
                    .replaceAll(
                            "\"pubKeyCredParams\":\\[[^\\]]*\\]",
                            "\"pubKeyCredParams\":[{\"alg\":-35,\"type\":\"public-key\"}]");

            assertThatThrownBy(() -> authenticator().build().register(options))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("NotSupportedError"));
        }

        @Test
        @DisplayName("an RP ID that does not fit the origin gives SecurityError")
        void rpIdMismatch() {
            SoftwareAuthenticator elsewhere = SoftwareAuthenticator.forOrigin("https://other.example");

            assertThatThrownBy(() -> elsewhere.register(createJson(rp.startRegistration("alice"))))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("SecurityError"));
        }

        @Test
        @DisplayName("a subdomain origin may use its parent domain as RP ID")
        void subdomainOrigin() {
            SoftwareAuthenticator login = SoftwareAuthenticator.forOrigin("https://login.example.com");

            String response = login.register(createJson(rp.startRegistration("alice")));

            assertThat(login.credentials().get(0).rpId()).isEqualTo("example.com");
            assertThat(response).contains("\"type\":\"public-key\"");
        }

        @Test
        @DisplayName("malformed options are an IllegalArgumentException")
        void malformedOptions() {
            SoftwareAuthenticator authenticator = authenticator().build();

            assertThatThrownBy(() -> authenticator.register("{")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> authenticator.register("{\"publicKey\":{}}"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> authenticator.authenticate("[]")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("credential management")
    class Management {

        @Test
        @DisplayName("a copied credential authenticates on the other device with the same id and user handle")
        void copiedCredentialAuthenticates() throws Exception {
            SoftwareAuthenticator phone = authenticator().syncedPasskey().build();
            SoftwareAuthenticator laptop = authenticator().syncedPasskey().build();
            rp.register(phone, "alice");
            AuthenticatorCredential original = phone.credentials().get(0);

            phone.copyTo(laptop, original.credentialId());
            phone.lose(original.credentialId());

            AssertionResult result = login(laptop, "alice");
            assertThat(result.getCredential().getCredentialId().getBase64Url()).isEqualTo(original.credentialId());
            assertThat(result.getCredential().getUserHandle().getBase64Url()).isEqualTo(original.userHandle());
            assertThat(result.isBackedUp()).isTrue();
            AssertionRequest request = rp.startAssertion("alice");
            assertThatThrownBy(() -> phone.authenticate(getJson(request)))
                    .isInstanceOfSatisfying(
                            AuthenticatorException.class,
                            e -> assertThat(e.domExceptionName()).isEqualTo("NotAllowedError"));
        }

        @Test
        @DisplayName("synced copies used in turn both pass, their counters staying 0")
        void syncedCopiesBothPass() throws Exception {
            SoftwareAuthenticator phone = authenticator().syncedPasskey().build();
            SoftwareAuthenticator laptop = authenticator().syncedPasskey().build();
            rp.register(phone, "alice");
            assertThat(phone.copyAllTo(laptop)).isEqualTo(1);

            assertThat(login(phone, "alice").getSignatureCount()).isZero();
            assertThat(login(laptop, "alice").getSignatureCount()).isZero();
            assertThat(login(phone, "alice").isSuccess()).isTrue();
        }

        @Test
        @DisplayName("incrementing copies count independently, so using both looks like a clone")
        void incrementingCopiesLookCloned() throws Exception {
            SoftwareAuthenticator key = authenticator().build();
            SoftwareAuthenticator clone = authenticator().build();
            rp.register(key, "alice");
            key.copyAllTo(clone);

            assertThat(login(key, "alice").getSignatureCount()).isEqualTo(1);
            assertThatThrownBy(() -> login(clone, "alice")).isInstanceOf(InvalidSignatureCountException.class);
        }

        @Test
        @DisplayName("credentials() lists id, user handle, RP ID and user name")
        void credentialsAreListed() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            rp.register(authenticator, "bob");

            List<AuthenticatorCredential> credentials = authenticator.credentials();

            assertThat(credentials)
                    .extracting(AuthenticatorCredential::userName)
                    .containsExactly("alice", "bob");
            assertThat(credentials).extracting(AuthenticatorCredential::rpId).containsOnly("example.com");
            assertThat(credentials.get(0).userHandle())
                    .isEqualTo(new ByteArray("uh-alice".getBytes(StandardCharsets.UTF_8)).getBase64Url());
            assertThat(authenticator.credential(credentials.get(1).credentialId()))
                    .contains(credentials.get(1));
        }

        @Test
        @DisplayName("credential ids come from the generator when one is set")
        void credentialIdGenerator() {
            AtomicInteger next = new AtomicInteger();
            SoftwareAuthenticator authenticator = authenticator()
                    .credentialIdGenerator(() -> {
                        byte[] id = new byte[20];
                        id[19] = (byte) next.incrementAndGet();
                        return id;
                    })
                    .build();

            RegistrationResult result = rp.register(authenticator, "alice");

            byte[] expected = new byte[20];
            expected[19] = 1;
            assertThat(result.getKeyId().getId().getBytes()).isEqualTo(expected);
        }

        @Test
        @DisplayName("copying an unknown credential or to the same authenticator is refused")
        void copyMisuse() {
            SoftwareAuthenticator authenticator = authenticator().build();
            SoftwareAuthenticator other = authenticator().build();

            assertThatThrownBy(() -> authenticator.copyTo(other, "AAAA")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> authenticator.copyAllTo(authenticator))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("wire format")
    class WireFormat {

        private final Base64.Decoder decoder = Base64.getUrlDecoder();

        @Test
        @DisplayName("the registration JSON has the shape of PublicKeyCredential.toJSON(), unpadded base64url")
        void registrationJson() {
            SoftwareAuthenticator authenticator =
                    authenticator().algorithms(CoseAlgorithm.RS256).build();
            PublicKeyCredentialCreationOptions request = rp.startRegistration("alice");

            JsonNode credential = tree(authenticator.register(createJson(request)));

            assertThat(credential.get("type").asText()).isEqualTo("public-key");
            assertThat(credential.get("rawId")).isEqualTo(credential.get("id"));
            assertThat(credential.get("authenticatorAttachment").asText()).isEqualTo("platform");
            assertThat(credential.at("/clientExtensionResults/credProps/rk").asBoolean())
                    .isTrue();
            JsonNode response = credential.get("response");
            assertThat(response.get("publicKeyAlgorithm").asLong()).isEqualTo(-257);
            assertThat(response.get("transports")).hasSize(1);
            for (String field : List.of("clientDataJSON", "attestationObject", "authenticatorData", "publicKey")) {
                assertThat(response.get(field).asText()).as(field).matches("[A-Za-z0-9_-]+");
            }
            JsonNode clientData = tree(
                    new String(decoder.decode(response.get("clientDataJSON").asText()), StandardCharsets.UTF_8));
            assertThat(clientData.get("type").asText()).isEqualTo("webauthn.create");
            assertThat(clientData.get("challenge").asText())
                    .isEqualTo(request.getChallenge().getBase64Url());
            assertThat(clientData.get("origin").asText()).isEqualTo(ORIGIN);
            assertThat(clientData.get("crossOrigin").asBoolean()).isFalse();
        }

        @Test
        @DisplayName("the assertion JSON has clientDataJSON, authenticatorData, signature and userHandle")
        void assertionJson() {
            SoftwareAuthenticator authenticator = authenticator().build();
            rp.register(authenticator, "alice");
            AssertionRequest request = rp.startAssertion("alice");

            JsonNode credential = tree(authenticator.authenticate(getJson(request)));

            JsonNode response = credential.get("response");
            assertThat(response.fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder("clientDataJSON", "authenticatorData", "signature", "userHandle");
            assertThat(credential.get("clientExtensionResults").isEmpty()).isTrue();
            byte[] authenticatorData =
                    decoder.decode(response.get("authenticatorData").asText());
            assertThat(authenticatorData).hasSize(37);
            assertThat(authenticatorData[32] & 0x05).as("UP and UV").isEqualTo(0x05);
            JsonNode clientData = tree(
                    new String(decoder.decode(response.get("clientDataJSON").asText()), StandardCharsets.UTF_8));
            assertThat(clientData.get("type").asText()).isEqualTo("webauthn.get");
        }

        @Test
        @DisplayName("integers are written without a sign byte and left-padded where a length is fixed")
        void unsignedIntegers() {
            java.math.BigInteger highBit = new java.math.BigInteger("ff01", 16);
            assertThat(CoseAlgorithm.unsigned(highBit, 0))
                    .isEqualTo(HexFormat.of().parseHex("ff01"));
            assertThat(CoseAlgorithm.unsigned(highBit, 4))
                    .isEqualTo(HexFormat.of().parseHex("0000ff01"));
            assertThat(CoseAlgorithm.unsigned(java.math.BigInteger.valueOf(65537), 0))
                    .isEqualTo(HexFormat.of().parseHex("010001"));
        }
    }

    @Nested
    @DisplayName("builder")
    class BuilderValidation {

        @Test
        @DisplayName("an origin is required")
        void originRequired() {
            assertThatThrownBy(() -> SoftwareAuthenticator.builder().build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("origin");
        }

        @Test
        @DisplayName("an origin must be https (or http on localhost) without a path, and is named when bad")
        void originValidated() {
            assertThatThrownBy(() -> SoftwareAuthenticator.builder().origin("http://example.com"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("http://example.com");
            assertThatThrownBy(() -> SoftwareAuthenticator.builder().origin("https://example.com/login"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(SoftwareAuthenticator.forOrigin("http://localhost:8080").origin())
                    .isEqualTo("http://localhost:8080");
        }

        @Test
        @DisplayName("BS without BE is a conflict")
        void backupStateNeedsEligibility() {
            assertThatThrownBy(() -> authenticator().backupState(true).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("backupEligible");
        }

        @Test
        @DisplayName("an AAGUID must be 16 bytes")
        void aaguidLength() {
            assertThatThrownBy(() -> authenticator().aaguid(new byte[15]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("15");
            assertThat(authenticator().aaguid(new byte[16]).build().aaguid())
                    .isEqualTo(SoftwareAuthenticator.DEFAULT_AAGUID);
        }

        @Test
        @DisplayName("algorithms must be given and not repeat")
        void algorithmsValidated() {
            assertThatThrownBy(() -> authenticator().algorithms()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> authenticator().algorithms(CoseAlgorithm.ES256, CoseAlgorithm.ES256))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
