package dev.passkeyflow.testkit.authenticator;

/**
 * How a {@link SoftwareAuthenticator} fills the signature counter of its credentials.
 *
 * <p>Each credential keeps its own counter. To make an assertion go backwards once, use
 * {@link Fault#COUNTER_BACKWARDS}; to set a credential's counter, use
 * {@link SoftwareAuthenticator#setSignatureCount}.
 */
public sealed interface SignatureCounter {

    /** Largest value a signature counter can hold: it is an unsigned 32-bit integer. */
    long MAX_VALUE = 0xFFFF_FFFFL;

    /**
     * A counter that a new credential starts at {@code start} (reported at registration) and that
     * every assertion increments by one before reporting it: what device-bound security keys do.
     *
     * @throws IllegalArgumentException if {@code start} is not an unsigned 32-bit value
     */
    static SignatureCounter incrementingFrom(long start) {
        return new Incrementing(start);
    }

    /** A counter that always reports 0: what synced passkey providers do. */
    static SignatureCounter alwaysZero() {
        return new AlwaysZero();
    }

    /**
     * Starts at {@code start} and counts up by one per assertion.
     *
     * @param start the value reported at registration
     */
    record Incrementing(long start) implements SignatureCounter {
        /** Validates {@code start}. */
        public Incrementing {
            if (start < 0 || start > MAX_VALUE) {
                throw new IllegalArgumentException("start must be an unsigned 32-bit value, was " + start);
            }
        }
    }

    /** Always 0. */
    record AlwaysZero() implements SignatureCounter {}
}
