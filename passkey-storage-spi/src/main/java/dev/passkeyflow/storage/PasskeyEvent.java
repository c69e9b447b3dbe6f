package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a passkey offer of one account on one device, kept until
 * {@link #expiresAt()}: what cooldowns and unanswered-offer counters are computed from. Stored
 * through a shared {@link PasskeyEventRepository}, so every application node sees the same
 * cooldowns.
 *
 * @param eventId makes recording idempotent: a repository stores an event whose id it already holds
 *     only once (1 to {@value #MAX_EVENT_ID_LENGTH} characters)
 * @param userHandle the account the offer was for (1 to 64 bytes)
 * @param deviceId the long-lived device id of the client, or {@code null} when the client sent none
 * @param kind the offer kind, e.g. {@code AFTER_ERROR} or {@code AFTER_HYBRID} (1 to
 *     {@value #MAX_KIND_LENGTH} characters; the SPI does not interpret it)
 * @param type what happened
 * @param at when it happened
 * @param expiresAt when it stops counting; after {@code at}
 */
public record PasskeyEvent(
        String eventId,
        Bytes userHandle,
        @Nullable String deviceId,
        String kind,
        Type type,
        Instant at,
        Instant expiresAt) {

    /** The longest event id accepted. */
    public static final int MAX_EVENT_ID_LENGTH = 160;

    /** The longest offer kind accepted. */
    public static final int MAX_KIND_LENGTH = 32;

    /** The longest device id accepted. */
    public static final int MAX_DEVICE_ID_LENGTH = 256;

    /** What happened to an offer. */
    public enum Type {
        /** The offer was shown (or, for a silent offer, handed to the browser). */
        OFFERED,
        /** The user said "not now". */
        DECLINED,
        /** The user cancelled the OS dialog, or the browser declined a silent creation. */
        CANCELLED,
        /** A passkey was created, or the authenticator already held one: the offer was answered. */
        ACCEPTED
    }

    public PasskeyEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (eventId.isEmpty() || eventId.length() > MAX_EVENT_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "eventId must be 1 to " + MAX_EVENT_ID_LENGTH + " characters, was " + eventId.length());
        }
        if (userHandle.isEmpty() || userHandle.length() > UserAccount.MAX_USER_HANDLE_LENGTH) {
            throw new IllegalArgumentException("userHandle must be 1 to " + UserAccount.MAX_USER_HANDLE_LENGTH
                    + " bytes, was " + userHandle.length());
        }
        if (deviceId != null && (deviceId.isEmpty() || deviceId.length() > MAX_DEVICE_ID_LENGTH)) {
            throw new IllegalArgumentException(
                    "deviceId must be 1 to " + MAX_DEVICE_ID_LENGTH + " characters or null, was " + deviceId.length());
        }
        if (kind.isEmpty() || kind.length() > MAX_KIND_LENGTH) {
            throw new IllegalArgumentException(
                    "kind must be 1 to " + MAX_KIND_LENGTH + " characters, was '" + kind + "'");
        }
        if (!expiresAt.isAfter(at)) {
            throw new IllegalArgumentException("expiresAt (" + expiresAt + ") must be after at (" + at + ")");
        }
    }

    /** Whether the event still counts at {@code now}: it expires at {@link #expiresAt()} exactly. */
    public boolean activeAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
