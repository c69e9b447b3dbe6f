package dev.passkeyflow.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A storage operation failed. Implementations translate their own failures (SQL errors, lost
 * connections) into this exception, keeping the original as the cause.
 *
 * <p>An operation that throws has changed nothing: implementations either complete a write in
 * full or not at all.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a storage operation failed. */
    public enum Reason {
        /** A record with the same key already exists (credential id, user handle, identifier, flow id). */
        DUPLICATE,
        /** The record the operation refers to does not exist. */
        NOT_FOUND,
        /** The store could not be reached or failed; the same call may succeed when retried. */
        UNAVAILABLE
    }

    private final Reason reason;

    public StorageException(Reason reason, String message) {
        this(reason, message, null);
    }

    public StorageException(Reason reason, String message, @Nullable Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    /** The machine-readable reason. */
    public Reason reason() {
        return reason;
    }
}
