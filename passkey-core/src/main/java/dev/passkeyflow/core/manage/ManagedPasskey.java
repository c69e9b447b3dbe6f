package dev.passkeyflow.core.manage;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One passkey of the signed-in account, as a settings page shows it.
 *
 * @param credentialId the credential id (base64url of it for the page: {@link #id()})
 * @param name what to call it: the user's nickname, else the provider's name, else "Passkey"
 * @param nickname the name the user gave it, if any
 * @param providerName the provider's name looked up from the AAGUID (e.g. "iCloud Keychain",
 *     "Google Password Manager"), or {@code null} when the authenticator did not disclose a known one
 * @param createdAt when it was registered
 * @param lastUsedAt when it last signed in, or {@code null} if never
 * @param status active, suspected broken (still accepted) or retired (never accepted)
 * @param synced whether the provider reported it as backed up (BS flag last seen)
 * @param onThisDevice whether the evidence says it is on the device asking (see {@link #evidence()})
 * @param evidence what the status and {@code onThisDevice} rest on, newest first
 */
public record ManagedPasskey(
        Bytes credentialId,
        String name,
        @Nullable String nickname,
        @Nullable String providerName,
        Instant createdAt,
        @Nullable Instant lastUsedAt,
        CredentialStatus status,
        boolean synced,
        boolean onThisDevice,
        List<Evidence> evidence) {

    public ManagedPasskey {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        evidence = List.copyOf(evidence);
    }

    /** The credential id as base64url, as the browser's {@code PublicKeyCredential.id}. */
    public String id() {
        return credentialId.toBase64Url();
    }

    /**
     * One fact about a passkey.
     *
     * @param kind what was seen
     * @param at when, if known
     */
    public record Evidence(Kind kind, @Nullable Instant at) {
        public Evidence {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** What was seen about a passkey. */
    public enum Kind {
        /** It was registered on the device asking. */
        CREATED_ON_THIS_DEVICE,
        /** It signed in on the device asking through that device's own authenticator. */
        USED_ON_THIS_DEVICE,
        /** It signed in on the device asking from a phone or security key (hybrid / cross-platform). */
        USED_FROM_ANOTHER_DEVICE_HERE,
        /** A passkey login with it, or any passkey login, failed on the device asking after its last success there. */
        FAILED_ON_THIS_DEVICE,
        /** Its last successful login was on another device. */
        LAST_USED_ELSEWHERE,
        /** Healing replaced it because it stopped working on some device; it is still accepted elsewhere. */
        REPLACED_BY_HEALING,
        /** It was retired and is no longer accepted. */
        RETIRED
    }
}
