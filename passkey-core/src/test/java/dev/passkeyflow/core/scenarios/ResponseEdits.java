package dev.passkeyflow.core.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.passkeyflow.storage.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Edits of browser response JSON that a real client could send (or an attacker could forge), for
 * tests. Registration edits keep the response valid where the attestation is {@code none}, which
 * signs nothing.
 */
final class ResponseEdits {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();

    /** Offsets in authenticator data (WebAuthn §6.1). */
    private static final int FLAGS = 32;

    private static final int CREDENTIAL_ID_LENGTH = 53;

    private ResponseEdits() {}

    static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response with {@code id} and {@code rawId} set to {@code base64Url}. */
    static String withIds(String responseJson, String base64Url) {
        ObjectNode node = read(responseJson);
        node.put("id", base64Url);
        node.put("rawId", base64Url);
        return node.toString();
    }

    /** The credential id of a response. */
    static Bytes idOf(String responseJson) {
        return Bytes.fromBase64Url(read(responseJson).get("id").asText());
    }

    /** The response with its client data JSON edited (a registration with attestation none stays valid). */
    static String editClientData(String responseJson, UnaryOperator<ObjectNode> edit) {
        ObjectNode node = read(responseJson);
        ObjectNode response = (ObjectNode) node.get("response");
        ObjectNode clientData = read(new String(
                Bytes.fromBase64Url(response.get("clientDataJSON").asText()).toByteArray(),
                java.nio.charset.StandardCharsets.UTF_8));
        response.put(
                "clientDataJSON",
                Bytes.of(edit.apply(clientData).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toBase64Url());
        return node.toString();
    }

    /** An assertion response whose authenticator data is edited (its signature no longer verifies). */
    static String editAssertionAuthData(String assertionJson, UnaryOperator<byte[]> edit) {
        ObjectNode node = read(assertionJson);
        ObjectNode response = (ObjectNode) node.get("response");
        response.put(
                "authenticatorData",
                Bytes.of(edit.apply(Bytes.fromBase64Url(
                                        response.get("authenticatorData").asText())
                                .toByteArray()))
                        .toBase64Url());
        return node.toString();
    }

    /** Authenticator data whose RP ID hash is replaced by the hash of another RP ID. */
    static UnaryOperator<byte[]> rpIdHashOf(String otherRpId) {
        return authData -> {
            byte[] copy = authData.clone();
            try {
                byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(otherRpId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                System.arraycopy(hash, 0, copy, 0, 32);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return copy;
        };
    }

    /** A registration response whose attestation object's authenticator data is edited. */
    static String editAuthData(String registrationJson, UnaryOperator<byte[]> edit) {
        ObjectNode node = read(registrationJson);
        ObjectNode response = (ObjectNode) node.get("response");
        try {
            JsonNode attestation = CBOR.readTree(
                    Bytes.fromBase64Url(response.get("attestationObject").asText())
                            .toByteArray());
            byte[] authData = edit.apply(attestation.get("authData").binaryValue());
            Map<String, Object> rebuilt = new LinkedHashMap<>();
            rebuilt.put("fmt", attestation.get("fmt").asText());
            rebuilt.put("attStmt", Map.of());
            rebuilt.put("authData", authData);
            response.put(
                    "attestationObject",
                    Bytes.of(CBOR.writeValueAsBytes(rebuilt)).toBase64Url());
            response.remove("authenticatorData");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return node.toString();
    }

    /** Authenticator data with the given flag bits set and cleared. */
    static UnaryOperator<byte[]> flags(int set, int clear) {
        return authData -> {
            byte[] copy = authData.clone();
            copy[FLAGS] = (byte) ((copy[FLAGS] | set) & ~clear);
            return copy;
        };
    }

    /** Authenticator data without attested credential data: AT clear, cut after the counter. */
    static UnaryOperator<byte[]> withoutAttestedCredential() {
        return authData -> {
            byte[] copy = Arrays.copyOf(authData, 37);
            copy[FLAGS] = (byte) (copy[FLAGS] & ~0x40);
            return copy;
        };
    }

    /** Authenticator data whose attested credential id is replaced by {@code newId}. */
    static UnaryOperator<byte[]> credentialId(byte[] newId) {
        return authData -> {
            int oldLength =
                    ((authData[CREDENTIAL_ID_LENGTH] & 0xFF) << 8) | (authData[CREDENTIAL_ID_LENGTH + 1] & 0xFF);
            int keyStart = CREDENTIAL_ID_LENGTH + 2 + oldLength;
            return ByteBuffer.allocate(CREDENTIAL_ID_LENGTH + 2 + newId.length + authData.length - keyStart)
                    .put(authData, 0, CREDENTIAL_ID_LENGTH)
                    .putShort((short) newId.length)
                    .put(newId)
                    .put(authData, keyStart, authData.length - keyStart)
                    .array();
        };
    }
}
