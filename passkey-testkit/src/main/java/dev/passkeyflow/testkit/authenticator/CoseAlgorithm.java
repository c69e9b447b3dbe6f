package dev.passkeyflow.testkit.authenticator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The public key algorithms a {@link SoftwareAuthenticator} can create credentials for, each done
 * with the JCA providers of the JDK alone.
 */
public enum CoseAlgorithm {
    /** ECDSA on P-256 with SHA-256 (COSE -7); signatures are ASN.1 DER, as WebAuthn expects. */
    ES256(-7),
    /** EdDSA with Ed25519 (COSE -8). */
    EDDSA(-8),
    /** RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit key (COSE -257). */
    RS256(-257);

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte raw key follows it. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private final long coseIdentifier;

    CoseAlgorithm(long coseIdentifier) {
        this.coseIdentifier = coseIdentifier;
    }

    /** The COSE algorithm identifier, as in {@code pubKeyCredParams[].alg}. */
    public long coseIdentifier() {
        return coseIdentifier;
    }

    /** The algorithm with that COSE identifier, if it is one of these. */
    public static Optional<CoseAlgorithm> fromCoseIdentifier(long coseIdentifier) {
        for (CoseAlgorithm algorithm : values()) {
            if (algorithm.coseIdentifier == coseIdentifier) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    KeyPair generateKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator;
            switch (this) {
                case ES256 -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                }
                case EDDSA -> {
                    generator = KeyPairGenerator.getInstance("Ed25519");
                    generator.initialize(255, random);
                }
                case RS256 -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
                }
                default -> throw new AssertionError(this);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate a " + this + " key pair", e);
        }
    }

    /** The public key as a COSE_Key map, CBOR-encoded. */
    byte[] coseKey(PublicKey publicKey) {
        Map<Object, Object> key = new LinkedHashMap<>();
        switch (this) {
            case ES256 -> {
                ECPublicKey ec = (ECPublicKey) publicKey;
                key.put(1L, 2L); // kty: EC2
                key.put(3L, coseIdentifier);
                key.put(-1L, 1L); // crv: P-256
                key.put(-2L, unsigned(ec.getW().getAffineX(), 32));
                key.put(-3L, unsigned(ec.getW().getAffineY(), 32));
            }
            case EDDSA -> {
                key.put(1L, 1L); // kty: OKP
                key.put(3L, coseIdentifier);
                key.put(-1L, 6L); // crv: Ed25519
                key.put(-2L, rawEd25519(publicKey));
            }
            case RS256 -> {
                RSAPublicKey rsa = (RSAPublicKey) publicKey;
                key.put(1L, 3L); // kty: RSA
                key.put(3L, coseIdentifier);
                key.put(-1L, unsigned(rsa.getModulus(), 0));
                key.put(-2L, unsigned(rsa.getPublicExponent(), 0));
            }
            default -> throw new AssertionError(this);
        }
        return Cbor.encode(key);
    }

    byte[] sign(PrivateKey privateKey, byte[] data) {
        try {
            Signature signature = Signature.getInstance(jcaSignatureName());
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with " + this, e);
        }
    }

    private String jcaSignatureName() {
        return switch (this) {
            case ES256 -> "SHA256withECDSA";
            case EDDSA -> "Ed25519";
            case RS256 -> "SHA256withRSA";
        };
    }

    /**
     * The big-endian magnitude of a non-negative integer without a sign byte: left-padded with
     * zeros to {@code length} bytes, or as short as possible when {@code length} is 0.
     */
    static byte[] unsigned(BigInteger value, int length) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative value");
        }
        byte[] twosComplement = value.toByteArray();
        int start = 0;
        while (start < twosComplement.length - 1 && twosComplement[start] == 0) {
            start++;
        }
        byte[] magnitude = Arrays.copyOfRange(twosComplement, start, twosComplement.length);
        if (length == 0) {
            return magnitude;
        }
        if (magnitude.length > length) {
            throw new IllegalArgumentException("value needs " + magnitude.length + " bytes, more than " + length);
        }
        byte[] padded = new byte[length];
        System.arraycopy(magnitude, 0, padded, length - magnitude.length, magnitude.length);
        return padded;
    }

    private static byte[] rawEd25519(PublicKey publicKey) {
        byte[] spki = publicKey.getEncoded();
        int prefixLength = ED25519_SPKI_PREFIX.length;
        if (spki.length != prefixLength + 32
                || !Arrays.equals(spki, 0, prefixLength, ED25519_SPKI_PREFIX, 0, prefixLength)) {
            throw new IllegalStateException("unexpected Ed25519 public key encoding");
        }
        return Arrays.copyOfRange(spki, prefixLength, spki.length);
    }
}
