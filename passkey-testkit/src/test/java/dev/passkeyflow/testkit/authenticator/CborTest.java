package dev.passkeyflow.testkit.authenticator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Cbor")
class CborTest {

    private static String hex(Object value) {
        return HexFormat.of().formatHex(Cbor.encode(value));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 00",
        "23, 17",
        "24, 1818",
        "255, 18ff",
        "256, 190100",
        "65536, 1a00010000",
        "4294967296, 1b0000000100000000",
        "-1, 20",
        "-7, 26",
        "-8, 27",
        "-257, 390100"
    })
    @DisplayName("integers take the shortest head (RFC 8949 examples)")
    void integers(long value, String expected) {
        assertThat(hex(value)).isEqualTo(expected);
    }

    @Test
    @DisplayName("byte and text strings carry their length")
    void strings() {
        assertThat(hex(new byte[] {1, 2, 3})).isEqualTo("43010203");
        assertThat(hex("fmt")).isEqualTo("63666d74");
        assertThat(hex(new byte[24])).startsWith("5818");
    }

    @Test
    @DisplayName("map keys are sorted the CTAP2 canonical way: shorter encodings first, then bytewise")
    void canonicalMapOrder() {
        Map<Object, Object> cose = new LinkedHashMap<>();
        cose.put(-3L, 5L);
        cose.put(-1L, 1L);
        cose.put(3L, -7L);
        cose.put(1L, 2L);
        cose.put(-2L, 4L);
        assertThat(hex(cose)).isEqualTo("a5" + "0102" + "0326" + "2001" + "2104" + "2205");

        Map<Object, Object> attestation = new LinkedHashMap<>();
        attestation.put("authData", new byte[0]);
        attestation.put("attStmt", Map.of());
        attestation.put("fmt", "none");
        assertThat(hex(attestation)).startsWith("a3" + "63666d74");
    }

    @Test
    @DisplayName("Jackson's CBOR parser reads what it writes")
    void readableByJackson() throws Exception {
        Map<Object, Object> statement = new LinkedHashMap<>();
        statement.put("sig", new byte[] {9, 8});
        statement.put("alg", -7L);
        Map<Object, Object> object = new LinkedHashMap<>();
        object.put("fmt", "packed");
        object.put("attStmt", statement);
        object.put("authData", new byte[] {1, 2, 3});

        JsonNode tree = new CBORMapper().readTree(Cbor.encode(object));

        assertThat(tree.get("fmt").asText()).isEqualTo("packed");
        assertThat(tree.at("/attStmt/alg").asLong()).isEqualTo(-7);
        assertThat(tree.at("/attStmt/sig").binaryValue()).containsExactly(9, 8);
        assertThat(tree.get("authData").binaryValue()).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("other types are refused")
    void otherTypesRefused() {
        assertThatThrownBy(() -> Cbor.encode(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
