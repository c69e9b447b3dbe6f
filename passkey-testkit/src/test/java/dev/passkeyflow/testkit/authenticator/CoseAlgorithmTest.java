package dev.passkeyflow.testkit.authenticator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("COSE key encoding")
class CoseAlgorithmTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static JsonNode decode(byte[] cbor) throws Exception {
        return new CBORMapper().readTree(cbor);
    }

    @Test
    @DisplayName("EC2 coordinates are exactly 32 bytes even when they have leading zero bytes")
    void ecCoordinatesArePadded() throws Exception {
        KeyPair keyPair;
        int attempts = 0;
        do {
            keyPair = CoseAlgorithm.ES256.generateKeyPair(RANDOM);
            attempts++;
        } while (((ECPublicKey) keyPair.getPublic()).getW().getAffineX().bitLength() > 248 && attempts < 5000);
        ECPublicKey publicKey = (ECPublicKey) keyPair.getPublic();
        assertThat(publicKey.getW().getAffineX().bitLength())
                .as("found a short x coordinate")
                .isLessThanOrEqualTo(248);

        JsonNode key = decode(CoseAlgorithm.ES256.coseKey(publicKey));

        assertThat(key.get("1").asLong()).isEqualTo(2);
        assertThat(key.get("3").asLong()).isEqualTo(-7);
        assertThat(key.get("-1").asLong()).isEqualTo(1);
        byte[] x = key.get("-2").binaryValue();
        byte[] y = key.get("-3").binaryValue();
        assertThat(x).hasSize(32);
        assertThat(y).hasSize(32);
        assertThat(x[0]).isZero();
        assertThat(new BigInteger(1, x)).isEqualTo(publicKey.getW().getAffineX());
        assertThat(new BigInteger(1, y)).isEqualTo(publicKey.getW().getAffineY());
    }

    @Test
    @DisplayName("RSA n and e are unsigned big-endian without a sign byte")
    void rsaWithoutSignByte() throws Exception {
        RSAPublicKey publicKey =
                (RSAPublicKey) CoseAlgorithm.RS256.generateKeyPair(RANDOM).getPublic();

        JsonNode key = decode(CoseAlgorithm.RS256.coseKey(publicKey));

        assertThat(key.get("1").asLong()).isEqualTo(3);
        assertThat(key.get("3").asLong()).isEqualTo(-257);
        byte[] n = key.get("-1").binaryValue();
        assertThat(n).hasSize(256);
        assertThat(new BigInteger(1, n)).isEqualTo(publicKey.getModulus());
        assertThat(key.get("-2").binaryValue()).containsExactly(1, 0, 1);
    }

    @Test
    @DisplayName("OKP Ed25519 keys carry the 32-byte raw public key")
    void ed25519RawKey() throws Exception {
        KeyPair keyPair = CoseAlgorithm.EDDSA.generateKeyPair(RANDOM);

        JsonNode key = decode(CoseAlgorithm.EDDSA.coseKey(keyPair.getPublic()));

        assertThat(key.get("1").asLong()).isEqualTo(1);
        assertThat(key.get("3").asLong()).isEqualTo(-8);
        assertThat(key.get("-1").asLong()).isEqualTo(6);
        byte[] spki = keyPair.getPublic().getEncoded();
        assertThat(key.get("-2").binaryValue()).isEqualTo(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    @Test
    @DisplayName("COSE identifiers map back to the algorithms")
    void identifiers() {
        assertThat(CoseAlgorithm.fromCoseIdentifier(-7)).contains(CoseAlgorithm.ES256);
        assertThat(CoseAlgorithm.fromCoseIdentifier(-8)).contains(CoseAlgorithm.EDDSA);
        assertThat(CoseAlgorithm.fromCoseIdentifier(-257)).contains(CoseAlgorithm.RS256);
        assertThat(CoseAlgorithm.fromCoseIdentifier(-35)).isEmpty();
    }
}
