package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up the single-repository contract kits share: before every test a new clock at
 * {@link #START} and a new, empty repository from the kit's one factory hook.
 *
 * @param <R> the repository type under test
 */
public abstract class RepositoryContract<R> {

    /** Where the clock given to {@link #createRepository(MutableClock)} starts. */
    protected static final Instant START = MutableClock.DEFAULT_START;

    private MutableClock clock;
    private R repository;

    /** Only the kits of this package extend it. */
    RepositoryContract() {}

    /**
     * Creates the repository under test, empty. Called before every test.
     *
     * @param clock the clock the tests control
     * @return a new, empty repository
     */
    protected abstract R createRepository(MutableClock clock);

    @BeforeEach
    final void createRepositoryUnderTest() {
        clock = new MutableClock(START);
        repository = createRepository(clock);
        assertThat(repository).as("createRepository(clock)").isNotNull();
    }

    /** Returns the repository of the running test, for a subclass's own extra tests. */
    protected final R repository() {
        return repository;
    }

    /** Returns the clock of the running test, for a subclass's own extra tests. */
    protected final MutableClock clock() {
        return clock;
    }
}
