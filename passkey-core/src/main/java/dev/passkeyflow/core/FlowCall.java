package dev.passkeyflow.core;

/**
 * The {@link LoginFlow} calls that move a flow, one constant per method. {@link FlowTransition}
 * names, for each legal move, the calls that may take it; {@code resume} is not listed because it
 * never moves a flow.
 */
public enum FlowCall {
    /** {@link LoginFlow#start(String, ClientContext)}: a new login for an identifier. */
    START,
    /** {@link LoginFlow#enrol(String, ClientContext)}: a signed-in user adds a passkey. */
    ENROL,
    /** {@link LoginFlow#startUsernameless(ClientContext)}: a new login without an identifier (autofill). */
    START_USERNAMELESS,
    /** {@link LoginFlow#reportClientError(String, String, String, long)}: {@code credentials.get} rejected. */
    REPORT_CLIENT_ERROR,
    /** {@link LoginFlow#reportImmediateRejection(String, long)}: an immediate UI mode request rejected. */
    REPORT_IMMEDIATE_REJECTION,
    /** {@link LoginFlow#finishPasskey(String, String)}: the browser's assertion response. */
    FINISH_PASSKEY,
    /** {@link LoginFlow#chooseFallback(String)}: the user picks the traditional login. */
    CHOOSE_FALLBACK,
    /** {@link LoginFlow#retryPasskey(String)}: the user picks a passkey again from the fallback. */
    RETRY_PASSKEY,
    /** {@link LoginFlow#fallbackSucceeded(String)}: the host verified the traditional login. */
    FALLBACK_SUCCEEDED,
    /** {@link LoginFlow#fallbackFailed(String)}: the host refused the traditional login. */
    FALLBACK_FAILED,
    /** {@link LoginFlow#finishHealing(String, String)}: the browser's registration response. */
    FINISH_HEALING,
    /** {@link LoginFlow#reportHealingError(String, String, String, long)}: {@code credentials.create} rejected. */
    REPORT_HEALING_ERROR,
    /** {@link LoginFlow#declineHealing(String)}: the user declines the offered passkey. */
    DECLINE_HEALING,
    /** {@link LoginFlow#silentCreateDeclined(String)}: the browser declined a silent passkey creation. */
    SILENT_CREATE_DECLINED
}
