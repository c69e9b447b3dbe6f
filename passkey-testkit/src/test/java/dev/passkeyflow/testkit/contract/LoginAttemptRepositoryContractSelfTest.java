package dev.passkeyflow.testkit.contract;

import static dev.passkeyflow.testkit.contract.FlowStateRepositoryContractSelfTest.failedTests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link LoginAttemptRepositoryContract} catches broken implementations, the same way
 * as {@link FlowStateRepositoryContractSelfTest}.
 */
@DisplayName("the login attempt contract kit")
class LoginAttemptRepositoryContractSelfTest {

    @Test
    @DisplayName("passes a correct reference repository")
    void passesCorrectRepository() {
        assertThat(failedTests(CorrectKit.class)).isEmpty();
    }

    @Test
    @DisplayName("catches a repository that validates the limit but does not apply it")
    void catchesIgnoredLimit() {
        assertThat(failedTests(IgnoresLimitKit.class))
                .containsExactlyInAnyOrder(
                        "WindowsByUser.limitKeepsNewest",
                        "WindowsByUser.limitAfterWindow",
                        "WindowsByUser.tiesByInsertionOrder",
                        "WindowsByDevice.windowLimitAndTies",
                        "WindowsByCredential.windowLimitAndTies",
                        "Limits.limitOfOne",
                        "Concurrency.queriesDuringAppends");
    }

    @Test
    @DisplayName("catches a repository that orders attempts with the same instant oldest first")
    void catchesWrongTieOrder() {
        assertThat(failedTests(OldestFirstOnTiesKit.class))
                .containsExactlyInAnyOrder(
                        "WindowsByUser.tiesByInsertionOrder",
                        "WindowsByDevice.windowLimitAndTies",
                        "WindowsByCredential.windowLimitAndTies",
                        "Concurrency.concurrentAppends",
                        "AttemptIds.repeatAmongOthers");
    }

    @Test
    @DisplayName("catches a repository whose window excludes an attempt exactly at since")
    void catchesExclusiveSince() {
        assertThat(failedTests(ExclusiveSinceKit.class))
                .containsExactlyInAnyOrder(
                        "WindowsByUser.sinceIsInclusive",
                        "WindowsByUser.limitAfterWindow",
                        "WindowsByDevice.windowLimitAndTies",
                        "WindowsByCredential.windowLimitAndTies");
    }

    @Test
    @DisplayName("catches a repository that stores an attempt again when its attempt id is already stored")
    void catchesIgnoredAttemptId() {
        assertThat(failedTests(IgnoresAttemptIdKit.class))
                .containsExactlyInAnyOrder(
                        "AttemptIds.sameIdStoredOnce",
                        "AttemptIds.repeatAmongOthers",
                        "AttemptIds.concurrentRepeatsStoredOnce");
    }

    @Test
    @DisplayName("catches a repository that drops the attempt id")
    void catchesDroppedAttemptId() {
        assertThat(failedTests(DropsAttemptIdKit.class))
                .containsExactlyInAnyOrder(
                        "AttemptIds.attemptIdRoundTrips",
                        "AttemptIds.sameIdStoredOnce",
                        "AttemptIds.repeatAmongOthers",
                        "AttemptIds.concurrentRepeatsStoredOnce");
    }

    @Test
    @DisplayName("catches a repository that drops the authenticator attachment and the offer kind")
    void catchesDroppedEvidence() {
        assertThat(failedTests(DropsEvidenceKit.class)).containsExactly("RoundTrips.attachmentAndOfferKindRoundTrip");
    }

    // ------------------------------------------------------------ kits with one defect each

    static class CorrectKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.NONE);
        }
    }

    static class IgnoresLimitKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.IGNORES_LIMIT);
        }
    }

    static class OldestFirstOnTiesKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.OLDEST_FIRST_ON_TIES);
        }
    }

    static class ExclusiveSinceKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.EXCLUSIVE_SINCE);
        }
    }

    static class IgnoresAttemptIdKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.IGNORES_ATTEMPT_ID);
        }
    }

    static class DropsAttemptIdKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.DROPS_ATTEMPT_ID);
        }
    }

    static class DropsEvidenceKit extends LoginAttemptRepositoryContract {
        @Override
        protected LoginAttemptRepository createRepository(MutableClock clock) {
            return new TestLoginAttemptRepository(Defect.DROPS_EVIDENCE);
        }
    }

    enum Defect {
        NONE,
        IGNORES_ATTEMPT_ID,
        /** Stores attempts without their id (and so cannot recognise a repeat). */
        DROPS_ATTEMPT_ID,
        DROPS_EVIDENCE,
        IGNORES_LIMIT,
        OLDEST_FIRST_ON_TIES,
        EXCLUSIVE_SINCE
    }

    /** A small, scan-everything attempt repository, correct unless told to carry one defect. */
    static final class TestLoginAttemptRepository implements LoginAttemptRepository {

        private record Entry(LoginAttempt attempt, long sequence) {}

        private final Defect defect;
        private final List<Entry> entries = new ArrayList<>();
        private long sequence;

        TestLoginAttemptRepository(Defect defect) {
            this.defect = defect;
        }

        @Override
        public synchronized void append(LoginAttempt attempt) {
            Objects.requireNonNull(attempt, "attempt");
            String id = attempt.attemptId();
            if (id != null
                    && defect != Defect.IGNORES_ATTEMPT_ID
                    && defect != Defect.DROPS_ATTEMPT_ID
                    && entries.stream().anyMatch(e -> id.equals(e.attempt().attemptId()))) {
                return;
            }
            LoginAttempt stored = attempt;
            if (defect == Defect.DROPS_ATTEMPT_ID) {
                stored = new LoginAttempt(
                        attempt.userHandle(),
                        attempt.deviceId(),
                        attempt.credentialId(),
                        attempt.outcome(),
                        attempt.clientErrorName(),
                        attempt.elapsedMillis(),
                        attempt.at(),
                        attempt.platform(),
                        attempt.authenticatorAttachment(),
                        attempt.offerKind());
            } else if (defect == Defect.DROPS_EVIDENCE) {
                stored = new LoginAttempt(
                        attempt.userHandle(),
                        attempt.deviceId(),
                        attempt.credentialId(),
                        attempt.outcome(),
                        attempt.clientErrorName(),
                        attempt.elapsedMillis(),
                        attempt.at(),
                        attempt.platform(),
                        null,
                        null,
                        attempt.attemptId());
            }
            entries.add(new Entry(stored, ++sequence));
        }

        @Override
        public List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit) {
            Objects.requireNonNull(userHandle, "userHandle");
            return query(a -> a.userHandle().equals(userHandle), since, limit);
        }

        @Override
        public List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit) {
            Objects.requireNonNull(deviceId, "deviceId");
            return query(a -> deviceId.equals(a.deviceId()), since, limit);
        }

        @Override
        public List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit) {
            Objects.requireNonNull(credentialId, "credentialId");
            return query(a -> credentialId.equals(a.credentialId()), since, limit);
        }

        private synchronized List<LoginAttempt> query(Predicate<LoginAttempt> filter, Instant since, int limit) {
            Objects.requireNonNull(since, "since");
            if (limit <= 0) {
                throw new IllegalArgumentException("limit must be positive");
            }
            Comparator<Entry> ties = defect == Defect.OLDEST_FIRST_ON_TIES
                    ? Comparator.comparingLong(Entry::sequence)
                    : Comparator.comparingLong(Entry::sequence).reversed();
            Predicate<Instant> inWindow =
                    defect == Defect.EXCLUSIVE_SINCE ? at -> at.isAfter(since) : at -> !at.isBefore(since);
            return entries.stream()
                    .filter(e -> filter.test(e.attempt())
                            && inWindow.test(e.attempt().at()))
                    .sorted(Comparator.comparing((Entry e) -> e.attempt().at())
                            .reversed()
                            .thenComparing(ties))
                    .limit(defect == Defect.IGNORES_LIMIT ? Long.MAX_VALUE : limit)
                    .map(Entry::attempt)
                    .toList();
        }

        @Override
        public synchronized int purgeOlderThan(Instant cutoff) {
            Objects.requireNonNull(cutoff, "cutoff");
            int before = entries.size();
            entries.removeIf(e -> e.attempt().at().isBefore(cutoff));
            return before - entries.size();
        }
    }
}
