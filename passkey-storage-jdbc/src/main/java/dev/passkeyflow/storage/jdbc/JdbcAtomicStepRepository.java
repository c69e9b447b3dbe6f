package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link AtomicStepRepository} over the same tables as the other JDBC repositories, reusing their
 * statements on one connection in one transaction.
 *
 * <p>The flow's conditional {@code UPDATE} runs first: it takes the flow's row lock, so of several
 * commits of the same version the later ones wait for the first and then match no row; a commit
 * that matches no row writes nothing else. Then, in this order: new credentials, credential uses
 * (one batch), status changes (one batch, each conditional on the expected status), attempts (one
 * batch; an attempt id already stored is skipped by the unique index). Any failure rolls the whole
 * transaction back. On PostgreSQL a step with a use and an attempt costs four round trips (the
 * update, two batches, the commit); a step with no writes is a single auto-committed update.
 */
final class JdbcAtomicStepRepository implements AtomicStepRepository {

    private final JdbcExecutor executor;
    private final JdbcFlowStateRepository flows;
    private final JdbcCredentialRepository credentials;
    private final JdbcLoginAttemptRepository attempts;

    JdbcAtomicStepRepository(JdbcExecutor executor, JdbcFlowStateRepository flows,
            JdbcCredentialRepository credentials, JdbcLoginAttemptRepository attempts) {
        this.executor = executor;
        this.flows = flows;
        this.credentials = credentials;
        this.attempts = attempts;
    }

    @Override
    public boolean commit(FlowRecord updated, StepWrites writes) {
        JdbcFlowStateRepository.checkUpdate(updated);
        Objects.requireNonNull(writes, "writes");
        if (writes.isEmpty()) {
            return flows.update(updated);
        }
        Instant now = flows.now();
        return executor.inTransaction("commit a login step", connection -> {
            if (!flows.update(connection, updated, now)) {
                return false;
            }
            for (StoredCredential credential : writes.newCredentials()) {
                credentials.insertUnlessStored(connection, credential);
            }
            credentials.recordUses(connection, writes.credentialUses());
            credentials.changeStatuses(connection, writes.statusChanges());
            attempts.insert(connection, writes.attempts());
            return true;
        });
    }
}
