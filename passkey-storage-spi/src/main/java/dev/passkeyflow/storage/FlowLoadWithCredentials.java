package dev.passkeyflow.storage;

import java.util.Optional;

/**
 * An optional capability of a storage that keeps flows and credentials in one database: the flow a
 * passkey assertion answers and the credentials of the account that owns the asserted credential,
 * read together, which a database can answer in one round trip.
 *
 * <p>The result is what {@link FlowStateRepository#load} and, when an account owns the credential,
 * {@link CredentialRepository#listCredentials} of that account would return, read at one point in
 * time. The caller still checks that the owner is the flow's user: this read only saves a round
 * trip, it proves nothing. Implementations must be thread-safe.
 */
public interface FlowLoadWithCredentials {

    /**
     * Loads a live flow and every credential of the account that owns {@code credentialId}.
     *
     * @param flowId the flow's id
     * @param credentialId the credential id an assertion names (its {@code rawId}); any bytes, also
     *     ones no account owns
     * @return empty if the flow is missing or expired
     * @throws StorageException if the storage cannot be read
     */
    Optional<FlowWithCredentials> loadWithOwnerCredentials(String flowId, Bytes credentialId);
}
