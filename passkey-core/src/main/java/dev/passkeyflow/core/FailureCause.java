package dev.passkeyflow.core;

/** Why a passkey login failed, as far as the evidence allows. */
public enum FailureCause {
    /** The passkey was deleted from this device or its password manager. */
    PASSKEY_DELETED_LOCALLY,
    /** This device is now signed into another iCloud / Google account: the synced passkey is not here. */
    DIFFERENT_CLOUD_ACCOUNT,
    /** The third-party password manager holding the passkey is signed out or missing. */
    PASSWORD_MANAGER_UNAVAILABLE,
    /** A device that never held any of the user's passkeys. */
    NEW_DEVICE_WITHOUT_PASSKEY,
    /** The user dismissed the dialog. */
    USER_CANCELLED,
    /** The ceremony timed out. */
    TIMED_OUT,
    /** The authenticator presented a credential the server does not know. */
    CREDENTIAL_UNKNOWN_TO_SERVER,
    /** The server rejected the response (signature, counter, origin, user verification, challenge, user). */
    VERIFICATION_FAILED,
    /** SecurityError: the RP id or origin is misconfigured; retrying cannot help. */
    RP_MISCONFIGURATION,
    /** Nothing points to a cause. */
    UNKNOWN
}
