package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One recorded step of a login flow and its classified outcome.
 *
 * @param userHandle the account the flow was for
 * @param deviceId the long-lived device id of the client, or {@code null} when the client sent none
 * @param credentialId the credential involved, when known (the one presented, or the one created)
 * @param outcome the classified outcome
 * @param clientErrorName the DOMException name the browser reported, if any (unknown names are
 *     kept as they are)
 * @param elapsedMillis how long the ceremony took in the browser, or {@code -1} if unknown
 * @param at when the outcome was recorded
 * @param platform the client's operating system family, if known
 * @param authenticatorAttachment for a passkey login that succeeded: the {@code authenticatorAttachment}
 *     the browser reported for the assertion, {@code "platform"} (an authenticator of this device) or
 *     {@code "cross-platform"} (a phone over hybrid / QR, or a security key); {@code null} when not
 *     reported or not a success. A cross-platform success is no evidence that the passkey is on this
 *     device (WebAuthn Level 3, section 5.1 {@code PublicKeyCredential.authenticatorAttachment},
 *     https://www.w3.org/TR/webauthn-3/#dom-publickeycredential-authenticatorattachment)
 * @param offerKind for a registration outcome: which offer the user answered ({@code AFTER_ERROR},
 *     {@code AFTER_HYBRID}, {@code AFTER_NO_CREDENTIAL}, {@code FIRST_PASSKEY}, {@code ADDITIONAL_PASSKEY},
 *     or {@code ENROLMENT} for a passkey the host's signed-in session asked for), so that unanswered
 *     offers can be counted per kind; {@code null} otherwise
 * @param attemptId an id that makes recording this attempt idempotent: a repository stores an
 *     attempt whose id it already holds only once (1 to {@value #MAX_ATTEMPT_ID_LENGTH}
 *     characters), or {@code null} for an attempt recorded without one (always stored)
 */
public record LoginAttempt(
        Bytes userHandle,
        @Nullable String deviceId,
        @Nullable Bytes credentialId,
        AttemptOutcome outcome,
        @Nullable String clientErrorName,
        long elapsedMillis,
        Instant at,
        @Nullable String platform,
        @Nullable String authenticatorAttachment,
        @Nullable String offerKind,
        @Nullable String attemptId) {

    /** The longest client error name kept; longer names are truncated. */
    public static final int MAX_CLIENT_ERROR_NAME_LENGTH = 64;

    /** The longest attachment or offer kind kept; longer values are truncated. */
    public static final int MAX_TAG_LENGTH = 32;

    /** The longest attempt id accepted. */
    public static final int MAX_ATTEMPT_ID_LENGTH = 160;

    public LoginAttempt {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        if (elapsedMillis < -1) {
            throw new IllegalArgumentException("elapsedMillis must be -1 (unknown) or >= 0, was " + elapsedMillis);
        }
        if (clientErrorName != null && clientErrorName.length() > MAX_CLIENT_ERROR_NAME_LENGTH) {
            clientErrorName = clientErrorName.substring(0, MAX_CLIENT_ERROR_NAME_LENGTH);
        }
        if (authenticatorAttachment != null && authenticatorAttachment.length() > MAX_TAG_LENGTH) {
            authenticatorAttachment = authenticatorAttachment.substring(0, MAX_TAG_LENGTH);
        }
        if (offerKind != null && offerKind.length() > MAX_TAG_LENGTH) {
            offerKind = offerKind.substring(0, MAX_TAG_LENGTH);
        }
        if (attemptId != null && (attemptId.isEmpty() || attemptId.length() > MAX_ATTEMPT_ID_LENGTH)) {
            throw new IllegalArgumentException(
                    "attemptId must be 1 to " + MAX_ATTEMPT_ID_LENGTH + " characters, was " + attemptId.length());
        }
    }

    /** An attempt without attachment, offer kind or attempt id: every {@code append} of it stores it again. */
    public LoginAttempt(
            Bytes userHandle,
            @Nullable String deviceId,
            @Nullable Bytes credentialId,
            AttemptOutcome outcome,
            @Nullable String clientErrorName,
            long elapsedMillis,
            Instant at,
            @Nullable String platform) {
        this(
                userHandle,
                deviceId,
                credentialId,
                outcome,
                clientErrorName,
                elapsedMillis,
                at,
                platform,
                null,
                null,
                null);
    }

    /** An attempt without an attempt id: every {@code append} of it stores it again. */
    public LoginAttempt(
            Bytes userHandle,
            @Nullable String deviceId,
            @Nullable Bytes credentialId,
            AttemptOutcome outcome,
            @Nullable String clientErrorName,
            long elapsedMillis,
            Instant at,
            @Nullable String platform,
            @Nullable String authenticatorAttachment,
            @Nullable String offerKind) {
        this(
                userHandle,
                deviceId,
                credentialId,
                outcome,
                clientErrorName,
                elapsedMillis,
                at,
                platform,
                authenticatorAttachment,
                offerKind,
                null);
    }

    /** The same attempt with an attempt id. */
    public LoginAttempt withAttemptId(String id) {
        return new LoginAttempt(
                userHandle,
                deviceId,
                credentialId,
                outcome,
                clientErrorName,
                elapsedMillis,
                at,
                platform,
                authenticatorAttachment,
                offerKind,
                Objects.requireNonNull(id, "id"));
    }

    /** Whether this is a passkey login success through an authenticator of another device (hybrid or security key). */
    public boolean crossPlatformSuccess() {
        return outcome == AttemptOutcome.SUCCEEDED && "cross-platform".equals(authenticatorAttachment);
    }
}
