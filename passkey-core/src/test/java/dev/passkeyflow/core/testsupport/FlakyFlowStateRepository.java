package dev.passkeyflow.core.testsupport;

import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.StorageException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to another repository; fails the next create, load or update on request, once each. */
public final class FlakyFlowStateRepository implements FlowStateRepository {

    private final FlowStateRepository delegate;
    private final AtomicInteger failingCreates = new AtomicInteger();
    private final AtomicInteger failingLoads = new AtomicInteger();
    private final AtomicInteger failingUpdates = new AtomicInteger();
    private final AtomicInteger updatesToPass = new AtomicInteger();

    public FlakyFlowStateRepository(FlowStateRepository delegate) {
        this.delegate = delegate;
    }

    public void failNextCreate() {
        failingCreates.incrementAndGet();
    }

    public void failNextLoad() {
        failingLoads.incrementAndGet();
    }

    public void failNextUpdate() {
        failingUpdates.incrementAndGet();
    }

    /** Lets {@code passing} updates through, then fails the one after them. */
    public void failUpdateAfter(int passing) {
        updatesToPass.set(passing);
        failingUpdates.incrementAndGet();
    }

    private static void failIfRequested(AtomicInteger counter, String operation) {
        if (counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StorageException(StorageException.Reason.UNAVAILABLE, "simulated " + operation + " failure");
        }
    }

    @Override
    public void create(FlowRecord flow) {
        failIfRequested(failingCreates, "create");
        delegate.create(flow);
    }

    @Override
    public Optional<FlowRecord> load(String flowId) {
        failIfRequested(failingLoads, "load");
        return delegate.load(flowId);
    }

    @Override
    public boolean update(FlowRecord updated) {
        if (updatesToPass.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            failIfRequested(failingUpdates, "update");
        }
        return delegate.update(updated);
    }

    @Override
    public boolean delete(String flowId) {
        return delegate.delete(flowId);
    }

    @Override
    public int purgeExpired() {
        return delegate.purgeExpired();
    }
}
