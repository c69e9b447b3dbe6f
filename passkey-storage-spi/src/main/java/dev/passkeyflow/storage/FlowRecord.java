package dev.passkeyflow.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * The persisted state of one in-flight login flow. The payload is opaque to storage: passkeyflow
 * writes a versioned JSON document there.
 *
 * @param flowId the flow id: at least 128 random bits, URL-safe
 * @param version incremented by one on every update; 0 when created
 * @param expiresAt from this instant on the flow no longer exists: it is expired when the
 *     clock reads {@code expiresAt} or later
 * @param payload the serialised flow state
 */
public record FlowRecord(String flowId, long version, Instant expiresAt, String payload) {

    /** The longest flow id accepted. */
    public static final int MAX_FLOW_ID_LENGTH = 128;

    public FlowRecord {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(payload, "payload");
        if (flowId.isEmpty() || flowId.length() > MAX_FLOW_ID_LENGTH) {
            throw new IllegalArgumentException("flowId must be 1 to 128 characters, was " + flowId.length());
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
    }

    /** The record that replaces this one in an update: the next version with new content. */
    public FlowRecord next(Instant newExpiresAt, String newPayload) {
        return new FlowRecord(flowId, version + 1, newExpiresAt, newPayload);
    }
}
