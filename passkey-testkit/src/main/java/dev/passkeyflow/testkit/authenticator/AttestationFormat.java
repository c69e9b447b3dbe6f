package dev.passkeyflow.testkit.authenticator;

/** The attestation statement format a {@link SoftwareAuthenticator} puts in new credentials. */
public enum AttestationFormat {
    /** {@code "none"}: an empty attestation statement. */
    NONE("none"),
    /**
     * {@code "packed"} self attestation: the statement is {@code {alg, sig}}, signed with the new
     * credential's own private key over {@code authData || SHA-256(clientDataJSON)}; no
     * certificate chain.
     */
    PACKED("packed");

    private final String identifier;

    AttestationFormat(String identifier) {
        this.identifier = identifier;
    }

    /** The format identifier as it appears in the attestation object's {@code fmt} member. */
    public String identifier() {
        return identifier;
    }
}
