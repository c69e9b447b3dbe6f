package dev.passkeyflow.storage;

import java.util.List;
import java.util.Objects;

/**
 * A live flow and, read with it, every credential of the account that owns a given credential id.
 *
 * @param flow the flow as {@link FlowStateRepository#load} would return it
 * @param ownerCredentials every credential of the account that owns the credential id asked about,
 *     whatever their status, oldest first; empty when no account owns that id
 */
public record FlowWithCredentials(FlowRecord flow, List<StoredCredential> ownerCredentials) {

    public FlowWithCredentials {
        Objects.requireNonNull(flow, "flow");
        ownerCredentials = List.copyOf(ownerCredentials);
    }
}
