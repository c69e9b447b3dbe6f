package dev.passkeyflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowCall;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LastLoginHint;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.testsupport.TestData;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SnapshotCodec, the stored form of a flow")
class SnapshotCodecTest {

    private static final String FLOW_ID = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    private static final Instant EXPIRES = TestData.T0.plusSeconds(300);

    /** Every field set to a non-default value (instants at millisecond precision, as stored). */
    private static FlowSnapshot fullyPopulated(long version) {
        ClientContext client = new ClientContext(
                "device-123",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
                new ClientHints("macOS", "15.0.0", false),
                Map.of(
                        ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR,
                        true,
                        ClientContext.CAPABILITY_HYBRID_TRANSPORT,
                        false,
                        ClientContext.CAPABILITY_SIGNAL_UNKNOWN_CREDENTIAL,
                        true),
                true,
                false,
                new LastLoginHint("alice@example.com", "cred-abc"));
        List<PasskeyFailure> failures = List.of(
                new PasskeyFailure(AttemptOutcome.CANCELLED, "NotAllowedError", 412, null),
                new PasskeyFailure(AttemptOutcome.UNKNOWN_CREDENTIAL, null, -1, TestData.bytes(32, 7)),
                new PasskeyFailure(AttemptOutcome.CLIENT_ERROR, "WeirdVendorError", 0, null));
        Bytes userHandle = TestData.bytes(16, 1);
        ClientInfo info = new ClientInfo("device-123", "macOS", "Safari");
        List<Effect> effects = List.of(
                new Effect.RecordUse(TestData.bytes(32, 1), 4_294_967_295L, true, TestData.T0.plusNanos(123_456), info),
                new Effect.AppendAttempt(new LoginAttempt(
                        userHandle,
                        "device-123",
                        TestData.bytes(32, 7),
                        AttemptOutcome.UNKNOWN_CREDENTIAL,
                        "WeirdVendorError",
                        412,
                        TestData.T0,
                        "macOS",
                        "platform",
                        null,
                        "flow.7.0")),
                new Effect.AppendAttempt(new LoginAttempt(
                        userHandle, null, null, AttemptOutcome.REGISTERED, null, -1, TestData.T0, null)),
                new Effect.SaveCredential(new StoredCredential(
                        TestData.bytes(20, 3),
                        userHandle,
                        TestData.DUMMY_COSE_KEY,
                        7,
                        Set.of("hybrid", "internal"),
                        true,
                        false,
                        TestData.bytes(16, 5),
                        TestData.T0,
                        null,
                        info,
                        null,
                        CredentialStatus.ACTIVE,
                        "My Mac")),
                new Effect.MarkReplaced(TestData.bytes(32, 1), CredentialStatus.RETIRED));
        return new FlowSnapshot(
                FLOW_ID,
                version,
                FlowState.HEALING_PENDING,
                new FlowSnapshot.Subject("alice@example.com", userHandle, client, TestData.T0, EXPIRES),
                new FlowSnapshot.Pending("{\"publicKey\":{\"challenge\":\"abc\"}}", TestData.T0.plusMillis(1_234)),
                new FlowSnapshot.Passkey(true, true, 3, 2, failures),
                new FlowSnapshot.Fallback(FallbackReason.PASSKEY_FAILED, 1),
                AuthenticationMethod.FALLBACK,
                new FlowSnapshot.Healing(
                        HealingKind.AFTER_ERROR,
                        FailureDiagnosis.of(
                                FailureCause.PASSKEY_DELETED_LOCALLY, Confidence.LOW, "fast failure", "twice"),
                        ClientPlatform.MACOS,
                        Set.of(TestData.bytes(32, 1), TestData.bytes(32, 2)),
                        CredentialStatus.RETIRED,
                        HealingResult.HEALED,
                        TestData.bytes(20, 3),
                        false),
                StepReceipt.of(FlowCall.FINISH_HEALING, "{}"),
                effects);
    }

    /**
     * {@link #fullyPopulated} at version 7 as the codec wrote it before the snapshot was grouped
     * into records (format 1, key for key the same document).
     */
    private static final String FORMAT_1_DOCUMENT =
            "{\"v\":1,\"st\":\"HEALING_PENDING\",\"id\":\"alice@example.com\",\"uh\":\"ICcuNTxDSlFYX2Zt"
                    + "dHuCiQ\",\"cl\":{\"d\":\"device-123\",\"ua\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_1"
                    + "5_7) AppleWebKit/605.1.15 (KHTML, like Gecko)\",\"hp\":\"macOS\",\"hv\":\"15.0.0\",\"hm\":"
                    + "false,\"cp\":{\"hybridTransport\":false,\"passkeyPlatformAuthenticator\":true,\"signalUnkn"
                    + "ownCredential\":true},\"uv\":true,\"cm\":false,\"ll\":{\"i\":\"alice@example.com\",\"c\":"
                    + "\"cred-abc\"}},\"ca\":1935656130000,\"pr\":\"{\\\"publicKey\\\":{\\\"challenge\\\":\\\"abc"
                    + "\\\"}}\",\"ci\":1935656131234,\"as\":true,\"cr\":true,\"pa\":3,\"cf\":2,\"fl\":[{\"o\":\"C"
                    + "ANCELLED\",\"n\":\"NotAllowedError\",\"e\":412},{\"o\":\"UNKNOWN_CREDENTIAL\",\"e\":-1,\"c"
                    + "\":\"2uHo7_b9BAsSGSAnLjU8Q0pRWF9mbXR7gomQl56lrLM\"},{\"o\":\"CLIENT_ERROR\",\"n\":\"WeirdV"
                    + "endorError\",\"e\":0}],\"fr\":\"PASSKEY_FAILED\",\"ff\":1,\"m\":\"FALLBACK\",\"hk\":\"AFTE"
                    + "R_ERROR\",\"dg\":{\"c\":\"PASSKEY_DELETED_LOCALLY\",\"k\":\"LOW\",\"e\":[\"fast failure\","
                    + "\"twice\"]},\"pl\":\"MACOS\",\"rc\":[\"ICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rByM_W3eTr8vk\",\"P0Z"
                    + "NVFtiaXB3foWMk5qhqK-2vcTL0tng5-71_AMKERg\"],\"rs\":\"RETIRED\",\"hr\":\"HEALED\",\"nc\":\""
                    + "XmVsc3qBiI-WnaSrsrnAx87V3OM\",\"pc\":\"FINISH_HEALING\",\"pp\":\"KHqkEnjpeX1mKiQM3c8TJDjt"
                    + "\",\"pd\":false,\"pe\":[{\"t\":\"use\",\"c\":\"ICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rByM_W3eTr8vk"
                    + "\",\"n\":4294967295,\"b\":true,\"a\":\"2031-05-04T10:15:30.000123456Z\",\"o\":{\"d\":\"dev"
                    + "ice-123\",\"p\":\"macOS\",\"b\":\"Safari\"}},{\"t\":\"attempt\",\"u\":\"ICcuNTxDSlFYX2ZtdH"
                    + "uCiQ\",\"d\":\"device-123\",\"c\":\"2uHo7_b9BAsSGSAnLjU8Q0pRWF9mbXR7gomQl56lrLM\",\"o\":\""
                    + "UNKNOWN_CREDENTIAL\",\"n\":\"WeirdVendorError\",\"e\":412,\"a\":\"2031-05-04T10:15:30Z\","
                    + "\"p\":\"macOS\",\"aa\":\"platform\",\"i\":\"flow.7.0\"},{\"t\":\"attempt\",\"u\":\"ICcuNTx"
                    + "DSlFYX2ZtdHuCiQ\",\"o\":\"REGISTERED\",\"e\":-1,\"a\":\"2031-05-04T10:15:30Z\"},{\"t\":\"c"
                    + "redential\",\"c\":\"XmVsc3qBiI-WnaSrsrnAx87V3OM\",\"u\":\"ICcuNTxDSlFYX2ZtdHuCiQ\",\"k\":"
                    + "\"pQECAyY\",\"n\":7,\"tr\":[\"hybrid\",\"internal\"],\"be\":true,\"bs\":false,\"ag\":\"nKO"
                    + "qsbi_xs3U2-Lp8Pf-BQ\",\"a\":\"2031-05-04T10:15:30Z\",\"co\":{\"d\":\"device-123\",\"p\":\""
                    + "macOS\",\"b\":\"Safari\"},\"s\":\"ACTIVE\",\"nn\":\"My Mac\"},{\"t\":\"replaced\",\"c\":\""
                    + "ICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rByM_W3eTr8vk\",\"s\":\"RETIRED\"}]}";

    private static FlowRecord record(FlowSnapshot snapshot, long version, Instant expiresAt) {
        return new FlowRecord(snapshot.flowId(), version, expiresAt, SnapshotCodec.write(snapshot));
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {

        @Test
        @DisplayName("reads back a fully populated snapshot equal to the one written")
        void fullyPopulatedRoundTrip() {
            FlowSnapshot original = fullyPopulated(7);

            FlowSnapshot read = SnapshotCodec.read(record(original, 7, EXPIRES));

            assertThat(read).isEqualTo(original);
            assertThat(read.pendingEffects()).hasSize(5);
            assertThat(read.receipt()).isEqualTo(StepReceipt.of(FlowCall.FINISH_HEALING, "{}"));
        }

        @Test
        @DisplayName(
                "reads back a minimal snapshot (unknown client, no user, nothing pending) equal to the one written")
        void minimalRoundTrip() {
            FlowSnapshot original = FlowSnapshot.fresh(
                    FLOW_ID, "nobody@example.com", null, ClientContext.unknown(), TestData.T0, EXPIRES);

            FlowSnapshot read = SnapshotCodec.read(record(original, 0, EXPIRES));

            assertThat(read).isEqualTo(original);
            assertThat(read.userHandle()).isNull();
            assertThat(read.pendingRequestJson()).isNull();
            assertThat(read.pending()).isNull();
            assertThat(read.client()).isEqualTo(ClientContext.unknown());
            assertThat(read.receipt()).isNull();
            assertThat(read.pendingEffects()).isEmpty();
        }

        @Test
        @DisplayName("reads a format-1 document written before the snapshot was grouped into records")
        void readsFormatOneDocument() {
            FlowSnapshot read = SnapshotCodec.read(new FlowRecord(FLOW_ID, 7, EXPIRES, FORMAT_1_DOCUMENT));

            assertThat(read).isEqualTo(fullyPopulated(7));
        }

        @Test
        @DisplayName("writes the keys of a format-1 document in its order")
        void writesFormatOneKeys() throws Exception {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> written = new java.util.ArrayList<>();
            json.readTree(SnapshotCodec.write(fullyPopulated(7))).fieldNames().forEachRemaining(written::add);
            List<String> format1 = new java.util.ArrayList<>();
            json.readTree(FORMAT_1_DOCUMENT).fieldNames().forEachRemaining(format1::add);

            assertThat(written).isEqualTo(format1);
        }

        @Test
        @DisplayName("takes the version and the expiry from the stored record, not from the document")
        void versionAndExpiryFromRecord() {
            FlowSnapshot written = fullyPopulated(0);
            Instant otherExpiry = EXPIRES.plusSeconds(60);

            FlowSnapshot read = SnapshotCodec.read(record(written, 42, otherExpiry));

            assertThat(read.version()).isEqualTo(42);
            assertThat(read.expiresAt()).isEqualTo(otherExpiry);
            assertThat(read.flowId()).isEqualTo(FLOW_ID);
        }

        @Test
        @DisplayName("writes neither the flow id nor the version into the document")
        void idAndVersionNotInDocument() {
            String json = SnapshotCodec.write(fullyPopulated(987_654));

            assertThat(json).doesNotContain(FLOW_ID).doesNotContain("987654");
            assertThat(json).startsWith("{\"v\":" + SnapshotCodec.FORMAT_VERSION + ",");
        }
    }

    @Nested
    @DisplayName("unreadable documents")
    class Unreadable {

        @ParameterizedTest(name = "version {0}")
        @ValueSource(ints = {0, 2, 99, -1})
        @DisplayName("a document of another format version reads as null (an unknown flow)")
        void otherFormatVersion(int version) {
            String json = SnapshotCodec.write(fullyPopulated(1)).replaceFirst("\"v\":1,", "\"v\":" + version + ",");

            assertThat(SnapshotCodec.read(new FlowRecord(FLOW_ID, 1, EXPIRES, json)))
                    .isNull();
        }

        @Test
        @DisplayName("a document without a format version reads as null")
        void missingVersion() {
            assertThat(SnapshotCodec.read(new FlowRecord(FLOW_ID, 1, EXPIRES, "{\"st\":\"COMPLETED\"}")))
                    .isNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{not json", "{\"v\":1,", "\u0000\u0001"})
        @DisplayName("corrupt JSON is an IllegalStateException naming only an abbreviated flow id")
        void corruptJson(String payload) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> SnapshotCodec.read(new FlowRecord(FLOW_ID, 1, EXPIRES, payload)))
                    .withMessageContaining(FLOW_ID.substring(0, 6))
                    .withMessageNotContaining(FLOW_ID);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{\"v\":1}",
                    "{\"v\":1,\"st\":\"SLEEPING\",\"id\":\"a\"}",
                    "{\"v\":1,\"st\":\"NEW\",\"id\":\"a\",\"uh\":\"not base64!\"}",
                    "{\"v\":1,\"st\":\"NEW\",\"id\":\"a\",\"fl\":[{\"o\":\"SUCCEEDED\"}]}",
                    "{\"v\":1,\"st\":\"NEW\",\"id\":\"a\",\"pe\":[{\"t\":\"teleport\"}]}",
                    "{\"v\":1,\"st\":\"NEW\",\"id\":\"a\",\"pe\":[{\"t\":\"use\",\"a\":\"yesterday\"}]}"
                })
        @DisplayName("a current-version document with impossible values is an IllegalStateException too")
        void corruptValues(String payload) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> SnapshotCodec.read(new FlowRecord(FLOW_ID, 1, EXPIRES, payload)))
                    .withMessageNotContaining(FLOW_ID);
        }

        @Test
        @DisplayName("abbreviate keeps six characters of a flow id")
        void abbreviate() {
            assertThat(SnapshotCodec.abbreviate(FLOW_ID)).isEqualTo("AbCdEf…");
            assertThat(SnapshotCodec.abbreviate("short")).isEqualTo("short");
        }
    }

    @Nested
    @DisplayName("size")
    class Size {

        @Test
        @DisplayName("a typical passkey-pending flow for a user with 3 passkeys stores under 2048 bytes")
        void typicalSnapshotIsSmall() {
            MutableClock clock = new MutableClock(TestData.T0);
            InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
            InMemoryFlowStateRepository flows = new InMemoryFlowStateRepository(clock);
            UserAccount alice = TestData.user("alice.anderson@example.com", 1);
            credentials.saveUser(alice);
            for (int seed = 1; seed <= 3; seed++) {
                credentials.saveCredential(TestData.credential(alice.userHandle(), seed));
            }
            LoginFlow flow = LoginFlow.builder()
                    .rpId("example.com")
                    .rpName("Example")
                    .origin("https://example.com")
                    .credentialRepository(credentials)
                    .loginAttemptRepository(new InMemoryLoginAttemptRepository(clock))
                    .flowStateRepository(flows)
                    .clock(clock)
                    .build();
            ClientContext typical = ClientContext.builder()
                    .deviceId("3f0b6c1e-9a4d-4c55-8f0e-2b7d9c1a6e42")
                    .userAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                            + "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")
                    .hints(new ClientHints("\"macOS\"", "\"14.5.0\"", false))
                    .capabilities(Map.of(
                            ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR,
                            true,
                            ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR,
                            true,
                            ClientContext.CAPABILITY_HYBRID_TRANSPORT,
                            true,
                            ClientContext.CAPABILITY_CONDITIONAL_GET,
                            true,
                            ClientContext.CAPABILITY_SIGNAL_ALL_ACCEPTED_CREDENTIALS,
                            true))
                    .userVerifyingPlatformAuthenticator(true)
                    .conditionalMediation(true)
                    .lastLogin(new LastLoginHint(
                            "alice.anderson@example.com",
                            TestData.bytes(32, 1001).toBase64Url()))
                    .build();

            LoginStep step = flow.start("alice.anderson@example.com", typical);

            assertThat(step).isInstanceOf(LoginStep.PasskeyChallenge.class);
            FlowRecord stored = flows.load(step.flowId()).orElseThrow();
            FlowSnapshot snapshot = SnapshotCodec.read(stored);
            assertThat(snapshot.pendingRequestJson()).isNotNull();
            // the pending request lists all three credentials
            for (int seed = 1; seed <= 3; seed++) {
                assertThat(snapshot.pendingRequestJson())
                        .contains(TestData.credential(alice.userHandle(), seed)
                                .credentialId()
                                .toBase64Url());
            }
            assertThat(stored.payload().getBytes(StandardCharsets.UTF_8).length).isLessThan(2048);
        }
    }

    @Test
    @DisplayName("FlowSnapshot.fresh starts in NEW with nothing pending and the client's platform")
    void freshSnapshot() {
        ClientContext windows = ClientContext.builder()
                .hints(new ClientHints("Windows", null, null))
                .build();
        Bytes handle = TestData.bytes(16, 1);

        FlowSnapshot fresh = FlowSnapshot.fresh(FLOW_ID, "a@example.com", handle, windows, TestData.T0, EXPIRES);

        assertThat(fresh.state()).isEqualTo(FlowState.NEW);
        assertThat(fresh.version()).isZero();
        assertThat(fresh.healing().platform()).isEqualTo(ClientPlatform.WINDOWS);
        assertThat(fresh.passkey().failures()).isEmpty();
        assertThat(fresh.pendingRequestJson()).isNull();
        assertThat(fresh.userHandle()).isEqualTo(handle);
    }

    @Test
    @DisplayName("every stored key is unique within the JSON object it appears in")
    void keysUniquePerScope() {
        for (StoredKey.Scope scope : StoredKey.Scope.values()) {
            List<String> keys = java.util.Arrays.stream(StoredKey.values())
                    .filter(k -> k.scope == scope)
                    .map(k -> k.key)
                    .toList();
            assertThat(keys).as(scope.name()).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(FlowCall.class)
    @DisplayName("a receipt's call reads back from its stored name (an immediate rejection as a client error)")
    void receiptCallsRoundTrip(FlowCall call) {
        StepReceipt receipt = StepReceipt.of(call, "x");

        FlowCall read = StepReceipt.callOf(receipt.storedCall());

        assertThat(read).isEqualTo(call == FlowCall.REPORT_IMMEDIATE_REJECTION ? FlowCall.REPORT_CLIENT_ERROR : call);
        assertThat(StepReceipt.of(read, "x").proof()).isEqualTo(receipt.proof());
    }
}
