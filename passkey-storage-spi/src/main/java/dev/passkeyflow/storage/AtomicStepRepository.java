package dev.passkeyflow.storage;

/**
 * An optional capability of a storage that keeps flows, credentials and login attempts in one
 * transactional database: a login-flow step's new flow record and all its other writes are
 * committed together, or not at all.
 *
 * <p>Without it, passkeyflow stores a step's writes inside the flow record first (the commit point)
 * and applies them afterwards, finishing them on the next call if the node fails in between; with
 * it, a step is one transaction and needs fewer round trips. Either way a step's result is handed
 * only to the request that proved it.
 *
 * <p>Implementations must be thread-safe; the repositories passed to the login flow must be views
 * of the same database, or the writes are not atomic with the flow update.
 */
public interface AtomicStepRepository {

    /**
     * Replaces the flow if its stored version is still {@code updated.version() - 1} and it has not
     * expired, and applies {@code writes}, in one transaction.
     *
     * @return {@code true} if everything was written; {@code false} if the flow is missing, expired
     *     or was changed by someone else since it was loaded (nothing is written)
     * @throws IllegalArgumentException if {@code updated.version()} is 0 (nothing is written)
     * @throws StorageException nothing is written; {@link StorageException.Reason#DUPLICATE} if a new
     *     credential's id is stored for another user or with another public key,
     *     {@link StorageException.Reason#NOT_FOUND} if no account has a new credential's user handle
     */
    boolean commit(FlowRecord updated, StepWrites writes);
}
