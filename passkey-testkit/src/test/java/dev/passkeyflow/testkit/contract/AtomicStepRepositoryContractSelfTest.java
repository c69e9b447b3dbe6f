package dev.passkeyflow.testkit.contract;

import static dev.passkeyflow.testkit.contract.FlowStateRepositoryContractSelfTest.failedTests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link AtomicStepRepositoryContract} catches broken implementations, the same way as
 * {@link FlowStateRepositoryContractSelfTest}. The reference implementation commits over the
 * in-memory repositories under one lock: it checks everything first and writes afterwards.
 */
@DisplayName("the atomic step contract kit")
class AtomicStepRepositoryContractSelfTest {

    @Test
    @DisplayName("passes a correct reference repository")
    void passesCorrectRepository() {
        assertThat(failedTests(CorrectKit.class)).isEmpty();
    }

    @Test
    @DisplayName("catches a commit that writes as it goes and stops at the first failure")
    void catchesPartialWrites() {
        assertThat(failedTests(PartialWritesKit.class))
                .containsExactlyInAnyOrder(
                        "AllOrNothing.idOfAnotherAccount",
                        "AllOrNothing.sameIdOtherKey",
                        "AllOrNothing.unknownAccount",
                        "AllOrNothing.secondCredentialFails");
    }

    @Test
    @DisplayName("catches a commit that applies its writes before the version check")
    void catchesWritesBeforeVersionCheck() {
        assertThat(failedTests(WritesBeforeVersionCheckKit.class))
                .containsExactlyInAnyOrder(
                        "VersionCheck.staleVersion",
                        "VersionCheck.skippedVersion",
                        "VersionCheck.missingFlow",
                        "VersionCheck.expiredFlow",
                        "Concurrency.oneWinnerPerVersion");
    }

    @Test
    @DisplayName("catches a commit that checks the version and writes without holding a lock in between")
    void catchesCheckThenAct() {
        assertThat(failedTests(CheckThenActKit.class))
                .contains("Concurrency.oneWinnerPerVersion", "Concurrency.racingRepeats");
    }

    @Test
    @DisplayName("catches a status change applied whatever the passkey's status")
    void catchesUnconditionalStatus() {
        assertThat(failedTests(UnconditionalStatusKit.class))
                .containsExactlyInAnyOrder("UsesAndStatusChanges.onlyFromExpectedStatus");
    }

    @Test
    @DisplayName("catches attempts stored again when their id is already stored")
    void catchesDuplicateAttempts() {
        assertThat(failedTests(DuplicateAttemptsKit.class))
                .containsExactlyInAnyOrder(
                        "Attempts.sameIdAcrossCommits",
                        "Attempts.alreadyAppended",
                        "Attempts.orderAndDuplicatesWithinCommit");
    }

    @Test
    @DisplayName("catches a commit that refuses a passkey stored already with the same account and key")
    void catchesStrictDuplicates() {
        assertThat(failedTests(StrictDuplicateKit.class))
                .containsExactlyInAnyOrder(
                        "AllOrNothing.identicalCredentialCountsAsStored", "Concurrency.sameNewCredentialFromTwoFlows");
    }

    // ------------------------------------------------------------ kits with one defect each

    static class CorrectKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.NONE);
        }
    }

    static class PartialWritesKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.PARTIAL_WRITES);
        }
    }

    static class WritesBeforeVersionCheckKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.WRITES_BEFORE_VERSION_CHECK);
        }
    }

    static class CheckThenActKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.CHECK_THEN_ACT);
        }
    }

    static class UnconditionalStatusKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.UNCONDITIONAL_STATUS);
        }
    }

    static class DuplicateAttemptsKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.DUPLICATE_ATTEMPTS);
        }
    }

    static class StrictDuplicateKit extends AtomicStepRepositoryContract {
        @Override
        protected Stores createStores(MutableClock clock) {
            return AtomicStepRepositoryContractSelfTest.storesWith(clock, Defect.STRICT_DUPLICATE);
        }
    }

    enum Defect {
        NONE,
        PARTIAL_WRITES,
        WRITES_BEFORE_VERSION_CHECK,
        CHECK_THEN_ACT,
        UNCONDITIONAL_STATUS,
        DUPLICATE_ATTEMPTS,
        STRICT_DUPLICATE
    }

    static AtomicStepRepositoryContract.Stores storesWith(MutableClock clock, Defect defect) {
        FlowStateRepository flows = new InMemoryFlowStateRepository(clock);
        CredentialRepository credentials = new InMemoryCredentialRepository();
        LoginAttemptRepository attempts = defect == Defect.DUPLICATE_ATTEMPTS
                ? new LoginAttemptRepositoryContractSelfTest.TestLoginAttemptRepository(
                        LoginAttemptRepositoryContractSelfTest.Defect.IGNORES_ATTEMPT_ID)
                : new InMemoryLoginAttemptRepository(clock);
        return new AtomicStepRepositoryContract.Stores(
                new TestAtomicStepRepository(flows, credentials, attempts, defect), flows, credentials, attempts);
    }

    /** Commits over in-memory repositories under one lock; correct unless told to carry one defect. */
    static final class TestAtomicStepRepository implements AtomicStepRepository {

        private final FlowStateRepository flows;
        private final CredentialRepository credentials;
        private final LoginAttemptRepository attempts;
        private final Defect defect;

        TestAtomicStepRepository(
                FlowStateRepository flows,
                CredentialRepository credentials,
                LoginAttemptRepository attempts,
                Defect defect) {
            this.flows = flows;
            this.credentials = credentials;
            this.attempts = attempts;
            this.defect = defect;
        }

        @Override
        public boolean commit(FlowRecord updated, StepWrites writes) {
            Objects.requireNonNull(updated, "updated");
            Objects.requireNonNull(writes, "writes");
            if (updated.version() == 0) {
                throw new IllegalArgumentException("version 0");
            }
            if (defect == Defect.CHECK_THEN_ACT) {
                return checkThenAct(updated, writes);
            }
            synchronized (this) {
                if (defect == Defect.WRITES_BEFORE_VERSION_CHECK) {
                    checkCredentials(writes);
                    apply(writes);
                    return flows.update(updated);
                }
                if (defect == Defect.PARTIAL_WRITES) {
                    if (!flows.update(updated)) {
                        return false;
                    }
                    apply(writes); // checks each new passkey only as it gets to it
                    return true;
                }
                if (!versionMatches(updated)) {
                    return false;
                }
                checkCredentials(writes);
                if (!flows.update(updated)) {
                    return false;
                }
                apply(writes);
                return true;
            }
        }

        @SuppressWarnings(
                "ThreadPriorityCheck") // the yield widens the race window of this deliberately broken implementation
        private boolean checkThenAct(FlowRecord updated, StepWrites writes) {
            if (!versionMatches(updated)) {
                return false;
            }
            checkCredentials(writes);
            // A window between check and act wide enough that racing commits all pass the check
            // (a yield was not: on two idle cores one round of the race was sometimes won cleanly).
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            apply(writes);
            flows.update(updated);
            return true;
        }

        private boolean versionMatches(FlowRecord updated) {
            Optional<FlowRecord> stored = flows.load(updated.flowId());
            return stored.isPresent() && stored.get().version() == updated.version() - 1;
        }

        private void checkCredentials(StepWrites writes) {
            for (StoredCredential credential : writes.newCredentials()) {
                check(credential);
            }
        }

        /** @return whether the credential still has to be stored */
        private boolean check(StoredCredential credential) {
            Optional<StoredCredential> existing = credentials.findCredential(credential.credentialId());
            if (existing.isPresent()) {
                if (defect != Defect.STRICT_DUPLICATE
                        && existing.get().userHandle().equals(credential.userHandle())
                        && existing.get().publicKeyCose().equals(credential.publicKeyCose())) {
                    return false;
                }
                throw new StorageException(StorageException.Reason.DUPLICATE, "credential id taken");
            }
            if (credentials.findUserByHandle(credential.userHandle()).isEmpty()) {
                throw new StorageException(StorageException.Reason.NOT_FOUND, "no such account");
            }
            return true;
        }

        private void apply(StepWrites writes) {
            for (StoredCredential credential : writes.newCredentials()) {
                if (check(credential)) {
                    credentials.saveCredential(credential);
                }
            }
            for (StepWrites.CredentialUse use : writes.credentialUses()) {
                credentials.recordUse(
                        use.credentialId(), use.signatureCount(), use.backupState(), use.usedAt(), use.usedOn());
            }
            for (StepWrites.StatusChange change : writes.statusChanges()) {
                credentials
                        .findCredential(change.credentialId())
                        .filter(c -> defect == Defect.UNCONDITIONAL_STATUS || c.status() == change.expected())
                        .ifPresent(c -> credentials.setStatus(change.credentialId(), change.to()));
            }
            for (LoginAttempt attempt : writes.attempts()) {
                attempts.append(attempt);
            }
        }
    }
}
