package dev.passkeyflow.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryFlowStateRepository bounds")
class InMemoryFlowStateRepositoryTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final TestClock clock = new TestClock(T0);

    private FlowRecord flow(String id, long ttlSeconds) {
        return new FlowRecord(id, 0, clock.instant().plusSeconds(ttlSeconds), "{}");
    }

    @Test
    @DisplayName("a store full of live flows rejects a create with UNAVAILABLE and changes nothing")
    void fullStoreRejects() {
        var repository = new InMemoryFlowStateRepository(clock, 2);
        repository.create(flow("a", 60));
        repository.create(flow("b", 60));

        assertThatThrownBy(() -> repository.create(flow("c", 60)))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE));

        assertThat(repository.load("c")).isEmpty();
        assertThat(repository.load("a")).isPresent();
        assertThat(repository.load("b")).isPresent();
    }

    @Test
    @DisplayName("a full store makes room by purging expired flows")
    void fullStorePurges() {
        var repository = new InMemoryFlowStateRepository(clock, 2);
        repository.create(flow("a", 10));
        repository.create(flow("b", 60));
        clock.advance(Duration.ofSeconds(10));

        repository.create(flow("c", 60));

        assertThat(repository.load("c")).isPresent();
        assertThat(repository.delete("a")).isFalse();
    }

    @Test
    @DisplayName("deleting a flow frees its place, and replacing an expired flow takes no extra place")
    void slotsAreCounted() {
        var repository = new InMemoryFlowStateRepository(clock, 2);
        repository.create(flow("a", 10));
        repository.create(flow("b", 60));
        repository.delete("b");
        repository.create(flow("b", 60));
        clock.advance(Duration.ofSeconds(10));
        repository.create(flow("a", 60)); // replaces the expired "a" in place

        assertThat(repository.purgeExpired()).isZero();
        assertThatThrownBy(() -> repository.create(flow("c", 60))).isInstanceOf(StorageException.class);
    }

    @Test
    @DisplayName("creates purge expired flows now and then without being asked")
    void opportunisticPurge() {
        var repository = new InMemoryFlowStateRepository(clock);
        repository.create(flow("short", 1));
        clock.advance(Duration.ofSeconds(1));

        for (int i = 0; i < InMemoryFlowStateRepository.PURGE_EVERY_CREATES; i++) {
            repository.create(flow("f" + i, 60));
        }

        assertThat(repository.delete("short")).as("expired flow still stored").isFalse();
        assertThat(repository.purgeExpired()).isZero();
    }

    @Test
    @DisplayName("an update that resubmits the stored record is not a win")
    void resubmittedRecordLoses() {
        var repository = new InMemoryFlowStateRepository(clock);
        FlowRecord created = flow("a", 60);
        repository.create(created);
        FlowRecord next = created.next(created.expiresAt(), "{\"n\":1}");
        assertThat(repository.update(next)).isTrue();

        assertThat(repository.update(next)).isFalse();
    }

    @Test
    @DisplayName("invalid settings and null arguments are rejected")
    void validation() {
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryFlowStateRepository(Clock.systemUTC(), 0));
        assertThatNullPointerException()
                .isThrownBy(() -> new InMemoryFlowStateRepository(null))
                .withMessage("clock");
        var repository = new InMemoryFlowStateRepository();
        assertThatNullPointerException().isThrownBy(() -> repository.load(null)).withMessage("flowId");
        assertThatNullPointerException()
                .isThrownBy(() -> repository.update(null))
                .withMessage("updated");
    }
}
