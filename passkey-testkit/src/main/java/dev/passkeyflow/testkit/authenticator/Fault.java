package dev.passkeyflow.testkit.authenticator;

/**
 * A deliberate defect in a response, for testing that a relying party rejects it.
 *
 * <p>Faults are set for every ceremony with {@link SoftwareAuthenticator.Builder#faults} or for
 * the next response only with {@link SoftwareAuthenticator#injectOnNextCall}. A fault that does
 * not apply to a ceremony is ignored by it.
 */
public enum Fault {
    /**
     * {@code clientDataJSON.origin} is {@link SoftwareAuthenticator.Builder#wrongOrigin the wrong
     * origin} instead of the authenticator's origin, while the RP ID hash stays right: what a
     * relayed (phished) ceremony looks like. Applies to registration and authentication; the
     * client's own RP ID check is skipped.
     */
    WRONG_ORIGIN,
    /**
     * The signature does not verify: one bit of it is flipped after signing. Applies to
     * authentication, and to registration with {@link AttestationFormat#PACKED} (the attestation
     * signature); {@link AttestationFormat#NONE} has no signature to corrupt.
     */
    CORRUPT_SIGNATURE,
    /**
     * The UV flag is clear although the authenticator is configured to verify the user. Applies
     * to registration and authentication.
     */
    NO_USER_VERIFICATION,
    /**
     * The signature counter goes backwards: the assertion reports one less than the value this
     * credential reported last, and the credential keeps its last value, so a later assertion
     * without this fault counts on from it. Applies to authentication only; fails with
     * {@link IllegalStateException} when the last value is 0, as there is nothing below it.
     */
    COUNTER_BACKWARDS
}
