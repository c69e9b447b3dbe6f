package dev.passkeyflow.storage.memory;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe, bounded, in-memory {@link FlowStateRepository}.
 *
 * <p>Each write is one atomic {@link ConcurrentHashMap} operation on the flow's id, so the version
 * check of {@link #update(FlowRecord)} and the write it guards cannot be interleaved with another
 * writer. A flow is expired once the injected clock reads its {@code expiresAt} or later; expired
 * flows are invisible at once and are removed by {@link #purgeExpired()}, which {@link #create}
 * also runs opportunistically (every {@value #PURGE_EVERY_CREATES} creates, and whenever the store
 * is full).
 *
 * <p>With a maximum number of flows, a create that finds the store full of live flows fails with
 * {@link StorageException.Reason#UNAVAILABLE}.
 */
public final class InMemoryFlowStateRepository implements FlowStateRepository {

    /** The default maximum number of stored flows: {@value}. */
    public static final int DEFAULT_MAX_FLOWS = 100_000;

    /** How many creates may pass between two opportunistic purges: {@value}. */
    public static final int PURGE_EVERY_CREATES = 256;

    private final Clock clock;
    private final int maxFlows;
    private final ConcurrentHashMap<String, FlowRecord> flows = new ConcurrentHashMap<>();
    /** The number of mappings in {@link #flows}; changed only together with them. */
    private final AtomicInteger size = new AtomicInteger();

    private final AtomicInteger createsSincePurge = new AtomicInteger();

    /** Creates a repository with the system UTC clock and {@link #DEFAULT_MAX_FLOWS}. */
    public InMemoryFlowStateRepository() {
        this(Clock.systemUTC());
    }

    /**
     * Creates a repository with {@link #DEFAULT_MAX_FLOWS}.
     *
     * @param clock the clock that decides when a flow has expired
     */
    public InMemoryFlowStateRepository(Clock clock) {
        this(clock, DEFAULT_MAX_FLOWS);
    }

    /**
     * Creates a repository.
     *
     * @param clock the clock that decides when a flow has expired
     * @param maxFlows the most flows stored at once, expired ones included until purged; positive
     * @throws IllegalArgumentException if {@code maxFlows} is not positive
     */
    public InMemoryFlowStateRepository(Clock clock, int maxFlows) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxFlows <= 0) {
            throw new IllegalArgumentException("maxFlows must be positive, was " + maxFlows);
        }
        this.maxFlows = maxFlows;
    }

    @Override
    public void create(FlowRecord flow) {
        Objects.requireNonNull(flow, "flow");
        if (flow.version() != 0) {
            throw new IllegalArgumentException("a new flow must have version 0, was " + flow.version());
        }
        if (createsSincePurge.incrementAndGet() >= PURGE_EVERY_CREATES) {
            createsSincePurge.set(0);
            purgeExpired();
        }
        if (!tryCreate(flow)) {
            purgeExpired();
            if (!tryCreate(flow)) {
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE, "the flow store is full (" + maxFlows + " live flows)");
            }
        }
    }

    /** Creates the flow; false if the store is full; throws if a live flow has the same id. */
    private boolean tryCreate(FlowRecord flow) {
        Instant now = clock.instant();
        FlowRecord stored = flows.compute(flow.flowId(), (id, existing) -> {
            if (existing == null) {
                return reserveSlot() ? flow : null;
            }
            if (!isExpired(existing, now)) {
                // Thrown inside compute: the mapping stays as it was.
                throw new StorageException(StorageException.Reason.DUPLICATE, "a flow with this id already exists");
            }
            return flow; // replaces an expired flow in its slot
        });
        // Identity, not equality: true only when compute installed this very record.
        @SuppressWarnings("ReferenceEquality")
        boolean installed = stored == flow;
        return installed;
    }

    private boolean reserveSlot() {
        while (true) {
            int current = size.get();
            if (current >= maxFlows) {
                return false;
            }
            if (size.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    @Override
    public Optional<FlowRecord> load(String flowId) {
        Objects.requireNonNull(flowId, "flowId");
        FlowRecord flow = flows.get(flowId);
        if (flow == null || isExpired(flow, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(flow);
    }

    @Override
    public boolean update(FlowRecord updated) {
        Objects.requireNonNull(updated, "updated");
        if (updated.version() == 0) {
            throw new IllegalArgumentException("an updated flow must have a version above 0");
        }
        Instant now = clock.instant();
        boolean[] won = {false};
        flows.computeIfPresent(updated.flowId(), (id, current) -> {
            if (isExpired(current, now) || current.version() != updated.version() - 1) {
                return current;
            }
            won[0] = true; // compute runs its function exactly once: no retry can repeat this
            return updated;
        });
        return won[0];
    }

    @Override
    public boolean delete(String flowId) {
        Objects.requireNonNull(flowId, "flowId");
        if (flows.remove(flowId) != null) {
            size.decrementAndGet();
            return true;
        }
        return false;
    }

    @Override
    public int purgeExpired() {
        Instant now = clock.instant();
        int purged = 0;
        for (Map.Entry<String, FlowRecord> entry : flows.entrySet()) {
            FlowRecord flow = entry.getValue();
            // remove(key, value) leaves a flow alone that was replaced since it was read.
            if (isExpired(flow, now) && flows.remove(entry.getKey(), flow)) {
                size.decrementAndGet();
                purged++;
            }
        }
        return purged;
    }

    private static boolean isExpired(FlowRecord flow, Instant now) {
        return !now.isBefore(flow.expiresAt());
    }
}
