package dev.passkeyflow.testkit.authenticator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The few CBOR items WebAuthn needs, encoded the CTAP2-canonical way: integers, byte strings,
 * text strings and maps, all of definite length in the shortest form, with map keys sorted by
 * the length and then the bytes of their encoding.
 */
final class Cbor {

    private static final int UNSIGNED = 0;
    private static final int NEGATIVE = 1;
    private static final int BYTES = 2;
    private static final int TEXT = 3;
    private static final int MAP = 5;

    private Cbor() {}

    /**
     * Encodes {@code value}: a {@link Long} or {@link Integer}, a {@code byte[]}, a
     * {@link String}, or a {@link Map} whose keys and values are such items.
     */
    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            long number = ((Number) value).longValue();
            if (number >= 0) {
                writeHead(out, UNSIGNED, number);
            } else {
                writeHead(out, NEGATIVE, -1 - number);
            }
        } else if (value instanceof byte[] bytes) {
            writeHead(out, BYTES, bytes.length);
            out.writeBytes(bytes);
        } else if (value instanceof String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            writeHead(out, TEXT, utf8.length);
            out.writeBytes(utf8);
        } else if (value instanceof Map<?, ?> map) {
            List<byte[][]> entries = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                entries.add(new byte[][] {encode(entry.getKey()), encode(entry.getValue())});
            }
            entries.sort((a, b) -> a[0].length != b[0].length
                    ? Integer.compare(a[0].length, b[0].length)
                    : Arrays.compareUnsigned(a[0], b[0]));
            writeHead(out, MAP, entries.size());
            for (byte[][] entry : entries) {
                out.writeBytes(entry[0]);
                out.writeBytes(entry[1]);
            }
        } else {
            throw new IllegalArgumentException(
                    "cannot encode " + value.getClass().getName() + " as CBOR");
        }
    }

    /** Writes a major type with its argument in the shortest form. */
    private static void writeHead(ByteArrayOutputStream out, int majorType, long argument) {
        int type = majorType << 5;
        if (argument < 24) {
            out.write(type | (int) argument);
        } else if (argument <= 0xFF) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (argument <= 0xFFFF) {
            out.write(type | 25);
            writeBigEndian(out, argument, 2);
        } else if (argument <= 0xFFFF_FFFFL) {
            out.write(type | 26);
            writeBigEndian(out, argument, 4);
        } else {
            out.write(type | 27);
            writeBigEndian(out, argument, 8);
        }
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int length) {
        for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xFF);
        }
    }
}
