-- passkeyflow storage schema, version 1, for H2 2.x (any compatibility mode).
--
-- Usable as-is as a Flyway migration (location classpath:db/passkeyflow/h2) and by
-- dev.passkeyflow.storage.jdbc.SchemaInitializer, which swaps the table prefix passkeyflow_ for
-- the configured one. Every statement is idempotent (IF NOT EXISTS).
--
-- Instants are TIMESTAMP(6) WITH TIME ZONE; the library truncates them to whole microseconds
-- before writing, as on PostgreSQL. Byte strings are BINARY VARYING.

CREATE TABLE IF NOT EXISTS passkeyflow_users (
    user_handle  BINARY VARYING    NOT NULL,
    identifier   CHARACTER VARYING NOT NULL,
    display_name CHARACTER VARYING NOT NULL,
    CONSTRAINT passkeyflow_users_pk PRIMARY KEY (user_handle),
    CONSTRAINT passkeyflow_users_identifier_uq UNIQUE (identifier)
);

-- transports: NULL for none, otherwise the URL-encoded transports joined by commas.
-- last_used_on_known: whether the last_used_* client columns describe a login (all three may be
-- NULL for a client about which nothing is known).
-- seq: registration order, the tie-breaker for credentials created at the same instant.
CREATE TABLE IF NOT EXISTS passkeyflow_credentials (
    credential_id       BINARY VARYING              NOT NULL,
    seq                 BIGINT GENERATED ALWAYS AS IDENTITY,
    user_handle         BINARY VARYING              NOT NULL,
    public_key_cose     BINARY VARYING              NOT NULL,
    signature_count     BIGINT                      NOT NULL,
    transports          CHARACTER VARYING,
    backup_eligible     BOOLEAN                     NOT NULL,
    backup_state        BOOLEAN                     NOT NULL,
    aaguid              BINARY VARYING,
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_device_id   CHARACTER VARYING,
    created_platform    CHARACTER VARYING,
    created_browser     CHARACTER VARYING,
    last_used_at        TIMESTAMP(6) WITH TIME ZONE,
    last_used_on_known  BOOLEAN DEFAULT FALSE       NOT NULL,
    last_used_device_id CHARACTER VARYING,
    last_used_platform  CHARACTER VARYING,
    last_used_browser   CHARACTER VARYING,
    status              CHARACTER VARYING(32)       NOT NULL,
    nickname            CHARACTER VARYING,
    CONSTRAINT passkeyflow_credentials_pk PRIMARY KEY (credential_id),
    CONSTRAINT passkeyflow_credentials_user_fk FOREIGN KEY (user_handle)
        REFERENCES passkeyflow_users (user_handle) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS passkeyflow_credentials_user_idx
    ON passkeyflow_credentials (user_handle, created_at, seq);

-- seq: insertion order, the tie-breaker for attempts recorded at the same instant.
-- attempt_id: makes recording an attempt idempotent; NULL for attempts recorded without one.
CREATE TABLE IF NOT EXISTS passkeyflow_login_attempts (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY,
    user_handle       BINARY VARYING              NOT NULL,
    device_id         CHARACTER VARYING,
    credential_id     BINARY VARYING,
    outcome           CHARACTER VARYING(40)       NOT NULL,
    client_error_name CHARACTER VARYING(64),
    elapsed_millis    BIGINT                      NOT NULL,
    attempted_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    platform          CHARACTER VARYING,
    authenticator_attachment CHARACTER VARYING,
    offer_kind        CHARACTER VARYING,
    attempt_id        CHARACTER VARYING(160),
    CONSTRAINT passkeyflow_login_attempts_pk PRIMARY KEY (seq)
);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_user_idx
    ON passkeyflow_login_attempts (user_handle, attempted_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_device_idx
    ON passkeyflow_login_attempts (device_id, attempted_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_credential_idx
    ON passkeyflow_login_attempts (credential_id, attempted_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_login_attempts_at_idx
    ON passkeyflow_login_attempts (attempted_at);

CREATE TABLE IF NOT EXISTS passkeyflow_flows (
    flow_id    CHARACTER VARYING(128)      NOT NULL,
    version    BIGINT                      NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    payload    CHARACTER LARGE OBJECT      NOT NULL,
    CONSTRAINT passkeyflow_flows_pk PRIMARY KEY (flow_id)
);

CREATE INDEX IF NOT EXISTS passkeyflow_flows_expires_idx
    ON passkeyflow_flows (expires_at);

-- An attempt with an id is stored once; NULLs are distinct in a unique index (in every mode the
-- storage supports), so attempts without an id are never equal to each other.
CREATE UNIQUE INDEX IF NOT EXISTS passkeyflow_login_attempts_attempt_id_uq
    ON passkeyflow_login_attempts (attempt_id);

-- Fixed-window throttling counters, shared by every node. throttle_key is an opaque digest.
-- A counter may be purged once expires_at has passed.
CREATE TABLE IF NOT EXISTS passkeyflow_throttle_counters (
    throttle_key CHARACTER VARYING(200)      NOT NULL,
    window_start TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    hits         BIGINT                      NOT NULL,
    expires_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT passkeyflow_throttle_counters_pk PRIMARY KEY (throttle_key, window_start)
);

CREATE INDEX IF NOT EXISTS passkeyflow_throttle_counters_expires_idx
    ON passkeyflow_throttle_counters (expires_at);

-- Passkey offer events (offered, declined, cancelled, accepted) per account and device, each with
-- an expiry: per-kind cooldowns and unanswered-offer counters shared by every node. An event with
-- an id is stored once. An event may be purged once expires_at has passed.
CREATE TABLE IF NOT EXISTS passkeyflow_passkey_events (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY,
    event_id   CHARACTER VARYING(160)      NOT NULL,
    user_handle BINARY VARYING             NOT NULL,
    device_id  CHARACTER VARYING(256),
    kind       CHARACTER VARYING(32)       NOT NULL,
    event_type CHARACTER VARYING(16)       NOT NULL,
    event_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT passkeyflow_passkey_events_pk PRIMARY KEY (seq),
    CONSTRAINT passkeyflow_passkey_events_id_uq UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_user_idx
    ON passkeyflow_passkey_events (user_handle, event_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_device_idx
    ON passkeyflow_passkey_events (device_id, event_at DESC, seq DESC);

CREATE INDEX IF NOT EXISTS passkeyflow_passkey_events_expires_idx
    ON passkeyflow_passkey_events (expires_at);
