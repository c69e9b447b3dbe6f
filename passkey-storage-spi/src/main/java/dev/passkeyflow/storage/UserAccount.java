package dev.passkeyflow.storage;

import java.util.Objects;

/**
 * An account of the host application as far as passkeys are concerned.
 *
 * @param userHandle the WebAuthn user handle: 1 to 64 bytes, stable, opaque and free of personal
 *     data (a random value, not the email address)
 * @param identifier what the user types to sign in (username or email), already normalised the way
 *     the host compares identifiers
 * @param displayName the name shown by the authenticator's account picker
 */
public record UserAccount(Bytes userHandle, String identifier, String displayName) {

    /** The WebAuthn limit for user handles. */
    public static final int MAX_USER_HANDLE_LENGTH = 64;

    public UserAccount {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(displayName, "displayName");
        if (userHandle.isEmpty() || userHandle.length() > MAX_USER_HANDLE_LENGTH) {
            throw new IllegalArgumentException("userHandle must be 1 to 64 bytes, was " + userHandle.length());
        }
        if (identifier.isBlank()) {
            throw new IllegalArgumentException("identifier must not be blank");
        }
    }
}
