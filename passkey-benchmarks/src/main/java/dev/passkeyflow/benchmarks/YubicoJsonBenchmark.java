package dev.passkeyflow.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.internal.util.JacksonCodecs;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Diagnosis, not one of the figures: the work the flow adds on top of raw Yubico to keep
 * the pending {@link AssertionRequest} in its stored snapshot ({@code toJson} on start,
 * {@code fromJson} on finish), done with Yubico's methods, which build a new ObjectMapper per call
 * (as {@code DefaultLoginFlow} did before finding 1 of docs/benchmarks.md was fixed), and with one
 * cached Yubico mapper (as it does now).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class YubicoJsonBenchmark {

    private static final ObjectMapper CACHED = JacksonCodecs.json();

    @State(Scope.Thread)
    public static class Request {
        AssertionRequest request;
        String json;

        @Setup(Level.Trial)
        public void setUp() throws JsonProcessingException {
            ByteArray id = new ByteArray(new byte[16]);
            ByteArray handle = new ByteArray(new byte[] {1, 2, 3});
            RelyingParty rp = RelyingParty.builder()
                    .identity(RelyingPartyIdentity.builder()
                            .id(Deployment.RP_ID)
                            .name("Example")
                            .build())
                    .credentialRepository(new com.yubico.webauthn.CredentialRepository() {
                        @Override
                        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
                            return Set.of(PublicKeyCredentialDescriptor.builder()
                                    .id(id)
                                    .build());
                        }

                        @Override
                        public Optional<ByteArray> getUserHandleForUsername(String username) {
                            return Optional.of(handle);
                        }

                        @Override
                        public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
                            return Optional.of("user@example.com");
                        }

                        @Override
                        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
                            return Optional.empty();
                        }

                        @Override
                        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
                            return Set.of();
                        }
                    })
                    .origins(Set.of(Deployment.ORIGIN))
                    .build();
            request = rp.startAssertion(StartAssertionOptions.builder()
                    .username("user@example.com")
                    .userVerification(UserVerificationRequirement.PREFERRED)
                    .timeout(120_000L)
                    .build());
            json = request.toJson();
        }
    }

    /** What the flow does today: Yubico's toJson + fromJson, a new ObjectMapper each. */
    @Benchmark
    public AssertionRequest roundTripYubicoMethods(Request r) throws JsonProcessingException {
        return AssertionRequest.fromJson(r.request.toJson());
    }

    /** The proposed fix: the same JSON with one cached {@code JacksonCodecs.json()} mapper. */
    @Benchmark
    public AssertionRequest roundTripCachedMapper(Request r) throws JsonProcessingException {
        return CACHED.readValue(CACHED.writeValueAsString(r.request), AssertionRequest.class);
    }
}
