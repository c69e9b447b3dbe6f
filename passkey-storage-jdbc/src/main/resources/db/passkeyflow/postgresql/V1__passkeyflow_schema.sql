-- passkeyflow storage schema, version 1, for PostgreSQL 15 or later.
--
-- Usable as-is as a Flyway migration (location classpath:db/passkeyflow/postgresql) and by
-- dev.passkeyflow.storage.jdbc.SchemaInitializer, which swaps the table prefix passkeyflow_ for
-- the configured one. Every statement is idempotent (IF NOT EXISTS).
--
-- Instants are timestamptz; the library truncates them to whole microseconds before writing.
-- Byte strings (user handles, credential ids, keys, AAGUIDs) are bytea.

CREATE TABLE IF NOT EXISTS passkeyflow_users (
    user_handle  BYTEA NOT NULL,
    identifier   TEXT  NOT NULL,
    display_name TEXT  NOT NULL,
    CONSTRAINT passkeyflow_users_pk PRIMARY KEY (user_handle),
    CONSTRAINT passkeyflow_users_identifier_uq UNIQUE (identifier)
);

-- transports: NULL for none, otherwise the URL-encoded transports joined by commas.
-- last_used_on_known: whether the last_used_* client columns describe a login (all three may be
-- NULL for a client about which nothing is known).
-- seq: registration order, the tie-breaker for credentials created at the same instant.
CREATE TABLE IF NOT EXISTS passkeyflow_credentials (
    credential_id       BYTEA       NOT NULL,
    seq                 BIGINT      GENERATED ALWAYS AS IDENTITY,
    user_handle         BYTEA       NOT NULL,
    public_key_cose     BYTEA       NOT NULL,
    signature_count     BIGINT      NOT NULL,
    transports          TEXT,
    backup_eligible     BOOLEAN     NOT NULL,
    backup_state        BOOLEAN     NOT NULL,
    aaguid              BYTEA,
    created_at          TIMESTAMPTZ NOT NULL,
    created_device_id   TEXT,
    created_platform    TEXT,
    created_browser     TEXT,
    last_used_at        TIMESTAMPTZ,
    last_used_on_known  BOOLEAN     NOT NULL DEFAULT FALSE,
    last_used_device_id TEXT,
    last_used_platform  TEXT,
    last_used_browser   TEXT,
    status              VARCHAR(32) NOT NULL,
    nickname            TEXT,
    CONSTRAINT passkeyflow_credentials_pk PRIMARY KEY (credential_id),
    CONSTRAINT passkeyflow_credentials_user_fk FOREIGN KEY (user_handle)
        REFERENCES passkeyflow_users (user_handle) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS passkeyflow_credentials_user_idx
    ON passkeyflow_credentials (user_handle, created_at, seq);

-- seq: insertion order, the tie-breaker for attempts recorded at the same instant.
-- attempt_id: makes recording an attempt idempotent; NULL for attempts recorded without one.
CREATE TABLE IF NOT EXISTS passkeyflow_login_attempts (
    seq               BIGINT      GENERATED ALWAYS AS IDENTITY,
    user_handle       BYTEA       NOT NULL,
    device_id         TEXT,
    credential_id     BYTEA,
    outcome           VARCHAR(40) NOT NULL,
    client_error_name VARCHAR(64),
    elapsed_millis    BIGINT      NOT NULL,
    attempted_at      TIMESTAMPTZ NOT NULL,
    platform          TEXT,
    authenticator_attachment TEXT,
    offer_kind        TEXT,
    attempt_id        VARCHAR(160),
    CONSTRAINT passkeyflow_login_attempts_pk PRIMARY KEY (seq)
);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_user_idx
    ON passkeyflow_login_attempts (user_handle, attempted_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_device_idx
    ON passkeyflow_login_attempts (device_id, attempted_at DESC, seq DESC)
    WHERE device_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_credential_idx
    ON passkeyflow_login_attempts (credential_id, attempted_at DESC, seq DESC)
    WHERE credential_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_at_idx
    ON passkeyflow_login_attempts (attempted_at);

-- In-flight flows and throttling counters are UNLOGGED: they are written on every login start,
-- and a transaction that writes only unlogged tables does not wait for a disk flush. PostgreSQL
-- empties them after a crash and does not copy them to standbys, so after a crash or a failover
-- the logins in flight start again and the counters start from zero. Credentials, accounts and
-- login history stay logged.
CREATE UNLOGGED TABLE IF NOT EXISTS passkeyflow_flows (
    flow_id    VARCHAR(128) NOT NULL,
    version    BIGINT       NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL,
    payload    TEXT         NOT NULL,
    CONSTRAINT passkeyflow_flows_pk PRIMARY KEY (flow_id)
);

CREATE INDEX IF NOT EXISTS passkeyflow_flows_expires_idx
    ON passkeyflow_flows (expires_at);

-- An attempt with an id is stored once; attempts without one (NULL) are never equal to each other.
CREATE UNIQUE INDEX IF NOT EXISTS passkeyflow_login_attempts_attempt_id_uq
    ON passkeyflow_login_attempts (attempt_id);

-- Fixed-window throttling counters, shared by every node. throttle_key is an opaque digest.
-- A counter may be purged once expires_at has passed.
CREATE UNLOGGED TABLE IF NOT EXISTS passkeyflow_throttle_counters (
    throttle_key VARCHAR(200) NOT NULL,
    window_start TIMESTAMPTZ  NOT NULL,
    hits         BIGINT       NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    CONSTRAINT passkeyflow_throttle_counters_pk PRIMARY KEY (throttle_key, window_start)
);

CREATE INDEX IF NOT EXISTS passkeyflow_throttle_counters_expires_idx
    ON passkeyflow_throttle_counters (expires_at);

-- Passkey offer events (offered, declined, cancelled, accepted) per account and device, each with
-- an expiry: per-kind cooldowns and unanswered-offer counters shared by every node. An event with
-- an id is stored once. An event may be purged once expires_at has passed. Logged (not UNLOGGED):
-- a cooldown that a crash forgot would show a user an offer they had just declined.
CREATE TABLE IF NOT EXISTS passkeyflow_passkey_events (
    seq         BIGINT      GENERATED ALWAYS AS IDENTITY,
    event_id    VARCHAR(160) NOT NULL,
    user_handle BYTEA       NOT NULL,
    device_id   VARCHAR(256),
    kind        VARCHAR(32) NOT NULL,
    event_type  VARCHAR(16) NOT NULL,
    event_at    TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT passkeyflow_passkey_events_pk PRIMARY KEY (seq),
    CONSTRAINT passkeyflow_passkey_events_id_uq UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_user_idx
    ON passkeyflow_passkey_events (user_handle, event_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_device_idx
    ON passkeyflow_passkey_events (device_id, event_at DESC, seq DESC)
    WHERE device_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_expires_idx
    ON passkeyflow_passkey_events (expires_at);
