package dev.passkeyflow.storage;

import java.util.Optional;

/**
 * In-flight login flows, shared by every application node that serves the same users.
 *
 * <p>Updates use an optimistic version check: of several writers that loaded the same version,
 * exactly one update succeeds. A flow is expired once the implementation's clock reads its
 * {@link FlowRecord#expiresAt()} or later ({@code !now.isBefore(expiresAt)}); an expired flow is
 * never returned and cannot be updated, whether or not it has been purged yet. Implementations
 * must be thread-safe and never return {@code null}.
 */
public interface FlowStateRepository {

    /**
     * Stores a new flow.
     *
     * @throws IllegalArgumentException if {@code flow.version()} is not 0
     * @throws StorageException with {@link StorageException.Reason#DUPLICATE} if a flow with this
     *     id exists and has not expired (an expired flow with this id is replaced), or
     *     {@link StorageException.Reason#UNAVAILABLE} if the store cannot take another flow now
     *     (for example a bounded store that is full of live flows)
     */
    void create(FlowRecord flow);

    /**
     * Loads a flow.
     *
     * @return the flow, or empty if no flow has this id or it has expired
     */
    Optional<FlowRecord> load(String flowId);

    /**
     * Replaces a flow if its stored version is still {@code updated.version() - 1}.
     *
     * @param updated the new state; its version must be exactly one more than the version the
     *     caller loaded
     * @return {@code true} if this update won; {@code false} if the flow is missing, expired or was
     *     changed by someone else since it was loaded (nothing is written)
     * @throws IllegalArgumentException if {@code updated.version()} is 0
     */
    boolean update(FlowRecord updated);

    /**
     * Deletes a flow.
     *
     * @return {@code true} if a flow with this id existed (expired or not) and was deleted
     */
    boolean delete(String flowId);

    /**
     * Deletes expired flows.
     *
     * @return how many were deleted (0 if none)
     */
    int purgeExpired();
}
