package dev.passkeyflow.storage;

/** Where a stored passkey stands. */
public enum CredentialStatus {
    /** Usable for login. */
    ACTIVE,
    /**
     * Failed in a way that suggests it is gone from a device, and was replaced by healing. Still
     * accepted for login: it may work on the user's other devices.
     */
    SUSPECTED_BROKEN,
    /** Taken out of use by the user or by policy; no longer accepted for login. */
    RETIRED;

    /** Whether a login with a credential in this status may be accepted. */
    public boolean acceptsLogin() {
        return this != RETIRED;
    }
}
