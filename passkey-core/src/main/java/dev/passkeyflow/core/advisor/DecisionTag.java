package dev.passkeyflow.core.advisor;

import java.util.List;
import java.util.Locale;

/**
 * Why an advisor decided as it did: a closed set of reasons, each with the stable text that logs and
 * analytics use ({@link #text()}, e.g. {@code "positive-history-on-environment"}). The names follow the
 * decision tags the commercial reference publishes where one exists.
 */
public enum DecisionTag {

    // ---- start decisions
    /** The account has no usable passkey (or the identifier is unknown). */
    USER_HAS_NO_PASSKEYS,
    /** The account has usable passkeys (the threshold advisor's only start reason). */
    USER_HAS_PASSKEYS,
    /** A start without an identifier (autofill or a "sign in with a passkey" button): no advisor is asked. */
    USERNAMELESS,
    /** The client reported neither a platform authenticator nor hybrid transport. */
    NO_PASSKEY_SUPPORT_IN_ENVIRONMENT,
    /** None of the account's passkeys is likely on this device. */
    USER_HAS_NONE_ON_ENVIRONMENT,
    /** A passkey may be a security key, which works where the client reports no authenticator. */
    SECURITY_KEY_POSSIBLE,
    /** A passkey may be reached from this device by a phone (hybrid, the browser's QR code). */
    HYBRID_TRANSPORT_POSSIBLE,
    /** A passkey of the account worked on this device. */
    POSITIVE_HISTORY_ON_ENVIRONMENT,
    /** A passkey of the account was recently proven reachable from a client of this platform. */
    POSITIVE_HISTORY_ON_PLATFORM,
    /**
     * The account's passkey evidently is not on this device: immediate UI mode found none, or whole
     * flows failed here since the last success (which a person dismissing a working passkey's prompt
     * can also leave behind).
     */
    NEGATIVE_HISTORY_ON_ENVIRONMENT,
    /** A recent flow on this device failed; whether the passkey is still here is uncertain. */
    UNCERTAIN_HISTORY_ON_ENVIRONMENT,
    /** A platform-synced passkey of this platform's ecosystem: likely available. */
    HIGH_CONFIDENCE_PLATFORM_PASSKEY,
    /** The passkeys' providers may or may not be on this device. */
    PASSKEY_AVAILABILITY_UNCERTAIN,
    /**
     * A passkey of the account was created, within the advisor's history window, on a client of this
     * platform that has not been seen under its device id since, and no passkey prompt on that
     * platform failed after it: this device, which has no history, may be that client under a new id
     * (cookies deleted, a private window), or another device of the platform.
     */
    CREATED_ON_PLATFORM_BY_UNSEEN_CLIENT,
    /** The start uses immediate UI mode. */
    IMMEDIATE_UI_MODE,

    // ---- offer decisions
    /** The client cannot create a passkey locally. */
    DEVICE_CANNOT_CREATE_PASSKEY,
    /** Passkey attempts failed in this flow (the threshold advisor's after-error reason). */
    PASSKEY_FAILED_IN_FLOW,
    /** The user authenticated without trying the passkeys. */
    PASSKEYS_NOT_TRIED,
    /** The advisor makes no offers after a cross-device login. */
    NO_AFTER_HYBRID_OFFERS,
    /** A passkey of the account is on this device (proven). */
    PASSKEY_PRESENT_ON_ENVIRONMENT,
    /** Nothing shows that the passkey stopped working here. */
    PASSKEY_MAY_STILL_WORK_HERE,
    /** The passkey is gone from this device. */
    PASSKEY_GONE_FROM_ENVIRONMENT,
    /** The cross-device login used a security key. */
    SECURITY_KEY_USED,
    /** An offer after a cross-device (hybrid) login. */
    AFTER_HYBRID,
    /** The user declined an offer recently. */
    DECLINED_RECENTLY,
    /** The user cancelled the creation dialog recently. */
    CREATION_CANCELLED_RECENTLY,
    /** Too many unanswered offers of this kind in a row: the long pause. */
    OFFER_LIMIT_REACHED,
    /** Too many unanswered offers of any kind in a row on the account: the long pause. */
    OFFER_LIMIT_REACHED_FOR_ACCOUNT,
    /** Too many unanswered offers in a row on this device, for any account: the long pause. */
    OFFER_LIMIT_REACHED_ON_ENVIRONMENT;

    private final String text;

    DecisionTag() {
        this.text = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The stable text for logs and analytics, e.g. {@code "user-has-no-passkeys"}. */
    public String text() {
        return text;
    }

    /** The texts of {@code tags}, in order. */
    public static List<String> texts(List<DecisionTag> tags) {
        return tags.stream().map(DecisionTag::text).toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
