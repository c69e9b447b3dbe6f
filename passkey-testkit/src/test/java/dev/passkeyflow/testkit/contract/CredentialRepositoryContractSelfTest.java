package dev.passkeyflow.testkit.contract;

import static dev.passkeyflow.testkit.contract.FlowStateRepositoryContractSelfTest.failedTests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link CredentialRepositoryContract} catches broken implementations, the same way
 * as {@link FlowStateRepositoryContractSelfTest}. The defects are added by wrapping the in-memory
 * repository.
 */
@DisplayName("the credential contract kit")
class CredentialRepositoryContractSelfTest {

    @Test
    @DisplayName("catches a repository that lists credentials newest first")
    void catchesNewestFirstList() {
        assertThat(failedTests(NewestFirstKit.class))
                .containsExactlyInAnyOrder(
                        "ListingCredentials.listedOldestFirst",
                        "ListingCredentials.listsAreIsolated",
                        "ListingCredentials.listedWhateverStatus",
                        "Concurrency.concurrentWritesToOneCredential",
                        "Renaming.renameIsolated");
    }

    @Test
    @DisplayName("catches a repository that matches identifiers ignoring case")
    void catchesCaseInsensitiveIdentifiers() {
        assertThat(failedTests(IgnoresCaseKit.class))
                .containsExactlyInAnyOrder(
                        "Accounts.identifierIsMatchedExactly", "AccountWithCredentials.emptyAndUnknown");
    }

    @Test
    @DisplayName("catches a repository that reports success for unknown credentials")
    void catchesTrueForUnknown() {
        assertThat(failedTests(AlwaysTrueKit.class))
                .containsExactlyInAnyOrder(
                        "StatusChanges.unknownCredentialStatus",
                        "RecordingUses.unknownCredentialUse",
                        "DeletingCredentials.deletedIsGone",
                        "DeletingCredentials.deleteTwice",
                        "DeletingCredentials.deleteUnknown",
                        "Renaming.renameUnknown");
    }

    static class NewestFirstKit extends CredentialRepositoryContract {
        @Override
        protected CredentialRepository createRepository(MutableClock clock) {
            return new Defective(Defect.LISTS_NEWEST_FIRST);
        }
    }

    static class IgnoresCaseKit extends CredentialRepositoryContract {
        @Override
        protected CredentialRepository createRepository(MutableClock clock) {
            return new Defective(Defect.IGNORES_CASE);
        }
    }

    static class AlwaysTrueKit extends CredentialRepositoryContract {
        @Override
        protected CredentialRepository createRepository(MutableClock clock) {
            return new Defective(Defect.TRUE_FOR_UNKNOWN);
        }
    }

    enum Defect {
        LISTS_NEWEST_FIRST,
        IGNORES_CASE,
        TRUE_FOR_UNKNOWN
    }

    /** The in-memory repository with one defect added on top. */
    static final class Defective implements CredentialRepository {

        private final InMemoryCredentialRepository delegate = new InMemoryCredentialRepository();
        private final List<String> identifiers = Collections.synchronizedList(new ArrayList<>());
        private final Defect defect;

        Defective(Defect defect) {
            this.defect = defect;
        }

        @Override
        public Optional<UserAccount> findUserByIdentifier(String identifier) {
            Optional<UserAccount> found = delegate.findUserByIdentifier(identifier);
            if (found.isEmpty() && defect == Defect.IGNORES_CASE) {
                synchronized (identifiers) {
                    for (String known : identifiers) {
                        if (known.toLowerCase(Locale.ROOT).equals(identifier.toLowerCase(Locale.ROOT))) {
                            return delegate.findUserByIdentifier(known);
                        }
                    }
                }
            }
            return found;
        }

        @Override
        public Optional<UserAccount> findUserByHandle(Bytes userHandle) {
            return delegate.findUserByHandle(userHandle);
        }

        @Override
        public void saveUser(UserAccount account) {
            delegate.saveUser(account);
            identifiers.add(account.identifier());
        }

        @Override
        public List<StoredCredential> listCredentials(Bytes userHandle) {
            List<StoredCredential> list = new ArrayList<>(delegate.listCredentials(userHandle));
            if (defect == Defect.LISTS_NEWEST_FIRST) {
                Collections.reverse(list);
            }
            return list;
        }

        @Override
        public Optional<StoredCredential> findCredential(Bytes credentialId) {
            return delegate.findCredential(credentialId);
        }

        @Override
        public void saveCredential(StoredCredential credential) {
            delegate.saveCredential(credential);
        }

        @Override
        public boolean recordUse(
                Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
            boolean updated = delegate.recordUse(credentialId, signatureCount, backupState, usedAt, usedOn);
            return updated || defect == Defect.TRUE_FOR_UNKNOWN;
        }

        @Override
        public boolean setStatus(Bytes credentialId, CredentialStatus status) {
            boolean updated = delegate.setStatus(credentialId, status);
            return updated || defect == Defect.TRUE_FOR_UNKNOWN;
        }

        @Override
        public boolean setNickname(Bytes credentialId, @Nullable String nickname) {
            boolean updated = delegate.setNickname(credentialId, nickname);
            return updated || defect == Defect.TRUE_FOR_UNKNOWN;
        }

        @Override
        public boolean deleteCredential(Bytes credentialId) {
            boolean deleted = delegate.deleteCredential(credentialId);
            return deleted || defect == Defect.TRUE_FOR_UNKNOWN;
        }
    }
}
