package dev.passkeyflow.storage;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable byte string: credential ids, user handles, COSE public keys and AAGUIDs.
 *
 * <p>Byte arrays are copied on the way in and on the way out, so a caller can never change a
 * stored value by mutating an array it passed or received. Equality is by content.
 */
public final class Bytes implements Comparable<Bytes> {

    private static final Base64.Encoder URL_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final byte[] value;

    private Bytes(byte[] value) {
        this.value = value;
    }

    /** A copy of {@code bytes}. */
    public static Bytes of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new Bytes(bytes.clone());
    }

    /**
     * Decodes unpadded or padded base64url.
     *
     * @throws IllegalArgumentException if {@code base64Url} is not valid base64url
     */
    public static Bytes fromBase64Url(String base64Url) {
        Objects.requireNonNull(base64Url, "base64Url");
        return new Bytes(URL_DECODER.decode(base64Url));
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return value.clone();
    }

    /** Unpadded base64url, the encoding WebAuthn JSON uses. */
    public String toBase64Url() {
        return URL_ENCODER.encodeToString(value);
    }

    public int length() {
        return value.length;
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Bytes that && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(value, other.value);
    }

    /** The base64url form; user handles and credential ids are not secrets. */
    @Override
    public String toString() {
        return toBase64Url();
    }
}
