package dev.passkeyflow.testkit.authenticator;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a real browser, platform or password manager shapes its responses differently from the
 * {@link SoftwareAuthenticator}'s defaults (which are Chrome's {@code PublicKeyCredential.toJSON()}
 * on a top-level page). Set with {@link SoftwareAuthenticator.Builder#quirks}; start from
 * {@link #NONE} and change one member at a time with the {@code with...} methods. Ready-made
 * combinations for known clients are in {@link ClientProfile}.
 *
 * @param userHandle how an assertion carries the user handle of a discoverable credential
 * @param authenticatorAttachment the {@code authenticatorAttachment} member ({@code "platform"},
 *     {@code "cross-platform"}), or {@code null} to leave it out, as older clients and some
 *     password-manager extensions do
 * @param registrationExtras whether a registration response carries the {@code toJSON()} extras
 *     {@code authenticatorData}, {@code publicKey} and {@code publicKeyAlgorithm} (Chrome, Safari
 *     17+, Firefox 119+) besides {@code clientDataJSON} and {@code attestationObject}
 * @param reportedTransports the {@code transports} a registration response reports, verbatim (may
 *     hold unknown or even empty strings, as real clients have sent), or {@code null} for the
 *     authenticator's {@linkplain SoftwareAuthenticator.Builder#transports configured} ones
 * @param registrationExtensionResults the {@code clientExtensionResults} object of a registration
 *     response as JSON, or {@code null} for the default ({@code credProps} when a resident key or
 *     the extension was requested)
 * @param assertionExtensionResults the {@code clientExtensionResults} object of an assertion as
 *     JSON (default {@code "{}"}); unrequested members model clients that volunteer results
 * @param extraClientDataMember whether client data carries an extra member, as Chrome adds at
 *     random ({@code other_keys_can_be_added_here}) so that relying parties do not compare client
 *     data against a template
 * @param crossOriginOmitted whether client data leaves out {@code crossOrigin} (clients before
 *     WebAuthn Level 2 and native platforms)
 * @param topOrigin the top-level origin of a page embedding the ceremony in a cross-origin iframe:
 *     client data then says {@code "crossOrigin": true} and {@code "topOrigin"}; {@code null} for
 *     a top-level page
 * @param assertionBackupFlags BE and BS flags every assertion reports whatever the credential was
 *     registered with (providers that flip them after registration), or {@code null} to report the
 *     credential's own
 */
public record ClientQuirks(
        UserHandleShape userHandle,
        @Nullable String authenticatorAttachment,
        boolean registrationExtras,
        @Nullable List<String> reportedTransports,
        @Nullable String registrationExtensionResults,
        String assertionExtensionResults,
        boolean extraClientDataMember,
        boolean crossOriginOmitted,
        @Nullable String topOrigin,
        @Nullable BackupFlags assertionBackupFlags) {

    /** Chrome on a top-level page: the {@link SoftwareAuthenticator}'s default shape. */
    public static final ClientQuirks NONE =
            new ClientQuirks(UserHandleShape.AS_IS, "platform", true, null, null, "{}", false, false, null, null);

    /** Validates the members. */
    public ClientQuirks {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(assertionExtensionResults, "assertionExtensionResults");
        reportedTransports = reportedTransports == null ? null : List.copyOf(reportedTransports);
    }

    /** How a client puts the user handle of a discoverable credential into an assertion. */
    public enum UserHandleShape {
        /** The handle, base64url: what the spec asks for and Chrome does. */
        AS_IS,
        /** {@code "userHandle": ""}: Safari (https://github.com/w3c/webauthn/issues/1722). */
        EMPTY_STRING,
        /** {@code "userHandle": null}: Firefox and others for some authenticators (https://github.com/w3c/webauthn/issues/1723). */
        JSON_NULL,
        /** No {@code userHandle} member at all. */
        OMITTED
    }

    /**
     * The BE and BS flags an assertion reports.
     *
     * @param backupEligible BE
     * @param backupState BS (a real authenticator never sets it without BE; tests of that refusal may)
     */
    public record BackupFlags(boolean backupEligible, boolean backupState) {}

    public ClientQuirks withUserHandle(UserHandleShape value) {
        return new ClientQuirks(
                value,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withAuthenticatorAttachment(@Nullable String value) {
        return new ClientQuirks(
                userHandle,
                value,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withRegistrationExtras(boolean value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                value,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withReportedTransports(String... value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                List.of(value),
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withRegistrationExtensionResults(String json) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                json,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withAssertionExtensionResults(String json) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                json,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withExtraClientDataMember(boolean value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                value,
                crossOriginOmitted,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withCrossOriginOmitted(boolean value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                value,
                topOrigin,
                assertionBackupFlags);
    }

    public ClientQuirks withTopOrigin(@Nullable String value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                value,
                assertionBackupFlags);
    }

    public ClientQuirks withAssertionBackupFlags(@Nullable BackupFlags value) {
        return new ClientQuirks(
                userHandle,
                authenticatorAttachment,
                registrationExtras,
                reportedTransports,
                registrationExtensionResults,
                assertionExtensionResults,
                extraClientDataMember,
                crossOriginOmitted,
                topOrigin,
                value);
    }
}
