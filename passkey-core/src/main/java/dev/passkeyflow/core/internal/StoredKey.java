package dev.passkeyflow.core.internal;

/**
 * Every key of the stored flow document, written and read by {@link SnapshotCodec} and
 * {@link EffectCodec} through this one table (a key is spelled nowhere else). Keys are short
 * because the document is written on every step of every login; they are unique within their
 * {@link Scope}, which a test checks.
 */
enum StoredKey {
    VERSION(Scope.FLOW, "v"),
    STATE(Scope.FLOW, "st"),
    IDENTIFIER(Scope.FLOW, "id"),
    USER_HANDLE(Scope.FLOW, "uh"),
    CLIENT(Scope.FLOW, "cl"),
    CREATED_AT(Scope.FLOW, "ca"),
    PENDING_REQUEST(Scope.FLOW, "pr"),
    CHALLENGE_ISSUED_AT(Scope.FLOW, "ci"),
    AUTO_START(Scope.FLOW, "as"),
    CALM_RETRY(Scope.FLOW, "cr"),
    PASSKEY_ATTEMPTS(Scope.FLOW, "pa"),
    CONSECUTIVE_FAILURES(Scope.FLOW, "cf"),
    FAILURES(Scope.FLOW, "fl"),
    FALLBACK_REASON(Scope.FLOW, "fr"),
    FALLBACK_FAILURES(Scope.FLOW, "ff"),
    METHOD(Scope.FLOW, "m"),
    HEALING_KIND(Scope.FLOW, "hk"),
    DIAGNOSIS(Scope.FLOW, "dg"),
    PLATFORM(Scope.FLOW, "pl"),
    REPLACED_CREDENTIALS(Scope.FLOW, "rc"),
    REPLACED_STATUS(Scope.FLOW, "rs"),
    HEALING_RESULT(Scope.FLOW, "hr"),
    NEW_CREDENTIAL(Scope.FLOW, "nc"),
    SILENT_OFFER(Scope.FLOW, "so"),
    RECEIPT_CALL(Scope.FLOW, "pc"),
    RECEIPT_PROOF(Scope.FLOW, "pp"),
    RECEIPT_DELIVERED(Scope.FLOW, "pd"),
    PENDING_EFFECTS(Scope.FLOW, "pe"),

    FAILURE_OUTCOME(Scope.FAILURE, "o"),
    FAILURE_ERROR_NAME(Scope.FAILURE, "n"),
    FAILURE_ELAPSED(Scope.FAILURE, "e"),
    FAILURE_CREDENTIAL(Scope.FAILURE, "c"),

    DIAGNOSIS_CAUSE(Scope.DIAGNOSIS, "c"),
    DIAGNOSIS_CONFIDENCE(Scope.DIAGNOSIS, "k"),
    DIAGNOSIS_EVIDENCE(Scope.DIAGNOSIS, "e"),

    CLIENT_DEVICE(Scope.CLIENT, "d"),
    CLIENT_USER_AGENT(Scope.CLIENT, "ua"),
    CLIENT_HINT_PLATFORM(Scope.CLIENT, "hp"),
    CLIENT_HINT_VERSION(Scope.CLIENT, "hv"),
    CLIENT_HINT_MOBILE(Scope.CLIENT, "hm"),
    CLIENT_CAPABILITIES(Scope.CLIENT, "cp"),
    CLIENT_UV_PLATFORM(Scope.CLIENT, "uv"),
    CLIENT_CONDITIONAL(Scope.CLIENT, "cm"),
    CLIENT_LAST_LOGIN(Scope.CLIENT, "ll"),
    LAST_LOGIN_IDENTIFIER(Scope.LAST_LOGIN, "i"),
    LAST_LOGIN_CREDENTIAL(Scope.LAST_LOGIN, "c"),

    EFFECT_TYPE(Scope.EFFECT, "t"),

    USE_CREDENTIAL(Scope.USE, "c"),
    USE_COUNT(Scope.USE, "n"),
    USE_BACKUP_STATE(Scope.USE, "b"),
    USE_AT(Scope.USE, "a"),
    USE_ON(Scope.USE, "o"),

    ATTEMPT_USER(Scope.ATTEMPT, "u"),
    ATTEMPT_DEVICE(Scope.ATTEMPT, "d"),
    ATTEMPT_CREDENTIAL(Scope.ATTEMPT, "c"),
    ATTEMPT_OUTCOME(Scope.ATTEMPT, "o"),
    ATTEMPT_ERROR_NAME(Scope.ATTEMPT, "n"),
    ATTEMPT_ELAPSED(Scope.ATTEMPT, "e"),
    ATTEMPT_AT(Scope.ATTEMPT, "a"),
    ATTEMPT_PLATFORM(Scope.ATTEMPT, "p"),
    ATTEMPT_ATTACHMENT(Scope.ATTEMPT, "aa"),
    ATTEMPT_OFFER_KIND(Scope.ATTEMPT, "ok"),
    ATTEMPT_ID(Scope.ATTEMPT, "i"),

    CREDENTIAL_ID(Scope.CREDENTIAL, "c"),
    CREDENTIAL_USER(Scope.CREDENTIAL, "u"),
    CREDENTIAL_PUBLIC_KEY(Scope.CREDENTIAL, "k"),
    CREDENTIAL_COUNT(Scope.CREDENTIAL, "n"),
    CREDENTIAL_TRANSPORTS(Scope.CREDENTIAL, "tr"),
    CREDENTIAL_BACKUP_ELIGIBLE(Scope.CREDENTIAL, "be"),
    CREDENTIAL_BACKUP_STATE(Scope.CREDENTIAL, "bs"),
    CREDENTIAL_AAGUID(Scope.CREDENTIAL, "ag"),
    CREDENTIAL_CREATED_AT(Scope.CREDENTIAL, "a"),
    CREDENTIAL_CREATED_ON(Scope.CREDENTIAL, "co"),
    CREDENTIAL_STATUS(Scope.CREDENTIAL, "s"),
    CREDENTIAL_NICKNAME(Scope.CREDENTIAL, "nn"),

    REPLACED_CREDENTIAL(Scope.REPLACED, "c"),
    REPLACED_STATUS_TO(Scope.REPLACED, "s"),

    CLIENT_INFO_DEVICE(Scope.CLIENT_INFO, "d"),
    CLIENT_INFO_PLATFORM(Scope.CLIENT_INFO, "p"),
    CLIENT_INFO_BROWSER(Scope.CLIENT_INFO, "b");

    /** The JSON object a key appears in (an effect's type key, then the keys of its kind). */
    enum Scope {
        FLOW,
        FAILURE,
        DIAGNOSIS,
        CLIENT,
        LAST_LOGIN,
        EFFECT,
        USE,
        ATTEMPT,
        CREDENTIAL,
        REPLACED,
        CLIENT_INFO
    }

    final Scope scope;
    /** The key as stored. */
    final String key;

    StoredKey(Scope scope, String key) {
        this.scope = scope;
        this.key = key;
    }
}
