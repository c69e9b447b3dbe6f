package dev.passkeyflow.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
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
 * The floor: one {@code SHA256withECDSA} verification of a real assertion signature over
 * {@code authenticatorData || SHA-256(clientDataJSON)}, with the credential's public key. No
 * server can verify a passkey login with less work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FloorBenchmark {

    @State(Scope.Thread)
    public static class Assertion {
        PublicKey publicKey;
        byte[] signedData;
        byte[] signature;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            try (Deployment deployment = Deployment.inMemory()) {
                Deployment.Account account = deployment.enrol("floor");
                LoginStep.PasskeyChallenge challenge =
                        (LoginStep.PasskeyChallenge) deployment.flow.start(account.identifier(), account.client());
                JsonNode response = new ObjectMapper()
                        .readTree(account.authenticator().authenticate(challenge.credentialsGetJson()))
                        .path("response");
                byte[] authenticatorData = Bytes.fromBase64Url(
                                response.path("authenticatorData").asText())
                        .toByteArray();
                byte[] clientData = Bytes.fromBase64Url(
                                response.path("clientDataJSON").asText())
                        .toByteArray();
                ByteArrayOutputStream signed = new ByteArrayOutputStream();
                signed.write(authenticatorData);
                signed.write(MessageDigest.getInstance("SHA-256").digest(clientData));
                signedData = signed.toByteArray();
                signature =
                        Bytes.fromBase64Url(response.path("signature").asText()).toByteArray();
                publicKey = KeyFactory.getInstance("EC")
                        .generatePublic(
                                new X509EncodedKeySpec(account.publicKeySpki().toByteArray()));
                if (!verify()) {
                    throw new IllegalStateException("the assertion signature does not verify");
                }
            }
        }

        boolean verify() throws GeneralSecurityException {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(signedData);
            return verifier.verify(signature);
        }
    }

    @Benchmark
    public boolean verify(Assertion assertion) throws GeneralSecurityException {
        return assertion.verify();
    }
}
