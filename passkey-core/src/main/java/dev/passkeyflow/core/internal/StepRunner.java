package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.FlowLoadWithCredentials;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowWithCredentials;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs one call on a stored flow: load, recognise a repeat, finish a previous step's effects,
 * commit, apply effects. The protocol (docs/step-protocol.md has the state machine) guarantees:
 *
 * <ul>
 *   <li>A step's result belongs to the request that earned it. The commit stores a
 *       {@link StepReceipt} (the call and a digest of what it presented); only a repeat with an
 *       equal receipt is handed the committed state's step again, any other request is judged by
 *       the state machine on the committed state, so a request that proved nothing is never told
 *       that someone else's login completed.</li>
 *   <li>Of concurrent calls on one flow, exactly one commits; the others get
 *       {@link Reason#CONFLICT} or are judged on the state the winner made.</li>
 *   <li>No committed step is lost: a fault after the commit point leaves the step committed, and
 *       its repeat, even after other requests or a {@code resume}, gets its result.</li>
 *   <li>Each effect is applied once: with an {@link AtomicStepRepository} in the commit's own
 *       transaction; without one it is stored with the commit, applied afterwards by whichever
 *       request gets there first, and made idempotent (attempts carry an attempt id).</li>
 * </ul>
 */
final class StepRunner {

    /** How often a request helps finish other steps' effects before it gives up with CONFLICT. */
    private static final int MAX_SETTLE_ROUNDS = 8;

    private final FlowSettings settings;
    private final @Nullable AtomicStepRepository atomic;
    private final @Nullable FlowLoadWithCredentials joined;

    StepRunner(FlowSettings settings) {
        this.settings = settings;
        this.atomic = settings.atomicSteps();
        this.joined = atomic instanceof FlowLoadWithCredentials loader ? loader : null;
    }

    /**
     * Runs a call. A repeat of the call that made the stored state (equal receipt) whose result no
     * response has carried yet gets that state's step from {@code repeat}; a repeat after that is a
     * replay and is refused. Any other call first finishes the stored state's pending effects, then
     * checks with {@link FlowTransition#requireCallable} that the call may move the
     * flow from its state, then runs {@code body}.
     */
    LoginStep run(
            String flowId,
            StepReceipt receipt,
            Function<FlowSnapshot, LoginStep> body,
            Function<FlowSnapshot, LoginStep> repeat) {
        return guard(() -> run(new Loaded(load(flowId), null), receipt, (s, owned) -> body.apply(s), repeat));
    }

    /**
     * Runs a call that answers a passkey assertion naming {@code credentialId}, like
     * {@link #run}; {@code body} also gets every credential of the account owning that id when the
     * storage read them together with the flow ({@link FlowLoadWithCredentials}), else null. The
     * list only saves a read: whose credential it is, the body still checks.
     */
    LoginStep runAssertion(
            String flowId,
            @Nullable Bytes credentialId,
            StepReceipt receipt,
            BiFunction<FlowSnapshot, @Nullable List<StoredCredential>, LoginStep> body,
            Function<FlowSnapshot, LoginStep> repeat) {
        return guard(() -> run(
                credentialId == null || joined == null
                        ? new Loaded(load(flowId), null)
                        : loadWithOwnerCredentials(joined, flowId, credentialId),
                receipt,
                body,
                repeat));
    }

    private LoginStep run(
            Loaded loaded,
            StepReceipt receipt,
            BiFunction<FlowSnapshot, @Nullable List<StoredCredential>, LoginStep> body,
            Function<FlowSnapshot, LoginStep> repeat) {
        FlowSnapshot current = loaded.flow();
        StepReceipt last = current.receipt();
        if (last != null && receipt.repeats(last)) {
            if (last.delivered()) {
                throw new LoginFlowException(
                        Reason.ILLEGAL_TRANSITION, "this request was already answered; start a new login");
            }
            return repeat.apply(deliver(current, last));
        }
        FlowSnapshot settled = settle(current);
        // The one legality check: before the call reads or verifies anything.
        FlowTransition.requireCallable(receipt.call(), settled.state());
        // Effects applied while settling may have changed the credentials read with the flow; settling
        // returns the very snapshot it was given when there was nothing to apply.
        @SuppressWarnings("ReferenceEquality")
        boolean unchanged = settled == current;
        return body.apply(settled, unchanged ? loaded.ownerCredentials() : null);
    }

    /** A flow as loaded, and the credentials read with it, if any. */
    private record Loaded(FlowSnapshot flow, @Nullable List<StoredCredential> ownerCredentials) {}

    /** Reads a flow without changing it. */
    LoginStep read(String flowId, Function<FlowSnapshot, LoginStep> body) {
        return guard(() -> body.apply(load(flowId)));
    }

    /**
     * The commit point: stores {@code next} with its receipt, and its effects, if the flow is still
     * at the version it was loaded at; then marks the result as delivered to this caller.
     *
     * @return the committed snapshot, at its new version, with no pending effects
     * @throws LoginFlowException CONFLICT when another request changed the flow first (nothing
     *     written) or a repeat of this very request took the result; STORAGE_FAILURE when storage
     *     failed before or after the commit point (a repeat then gets the result)
     */
    FlowSnapshot commit(FlowSnapshot next, StepReceipt receipt, List<Effect> effects) {
        long version = next.version() + 1;
        List<Effect> identified = identify(next.flowId(), version, effects);
        FlowSnapshot delivered = next.committed(receipt.asDelivered(), List.of());
        if (atomic != null || identified.isEmpty()) {
            // One write carries everything: the new state, its effects, and the delivery to this caller.
            boolean written = atomic != null
                    ? atomic.commit(record(delivered, version), Effect.writesOf(identified))
                    : settings.flows().update(record(delivered, version));
            if (!written) {
                throw conflict();
            }
            return delivered.atVersion(version);
        }
        FlowSnapshot withEffects = next.committed(receipt, identified);
        if (!settings.flows().update(record(withEffects, version))) {
            throw conflict();
        }
        return deliver(withEffects.atVersion(version), receipt);
    }

    /** Stores a new flow (version 0). */
    void create(FlowSnapshot fresh) {
        settings.flows().create(newRecord(fresh));
    }

    /** The stored form of a new flow (version 0). */
    static FlowRecord newRecord(FlowSnapshot fresh) {
        return new FlowRecord(fresh.flowId(), 0, fresh.expiresAt(), SnapshotCodec.write(fresh));
    }

    /**
     * Applies the pending effects of the step {@code owner} committed and marks its result as
     * delivered, in one update: the caller whose update succeeds is the one response that carries
     * the result.
     *
     * @throws LoginFlowException CONFLICT if another response carried it first, or the flow moved on
     */
    private FlowSnapshot deliver(FlowSnapshot stored, StepReceipt owner) {
        FlowSnapshot current = stored;
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            StepReceipt receipt = current.receipt();
            if (receipt == null || !receipt.repeats(owner) || receipt.delivered()) {
                throw new LoginFlowException(
                        Reason.CONFLICT, "another request on the same flow was answered with this step's result");
            }
            applyEffects(current);
            FlowSnapshot done = current.committed(receipt.asDelivered(), List.of());
            if (settings.flows().update(record(done, current.version() + 1))) {
                return done.atVersion(current.version() + 1);
            }
            current = load(current.flowId());
        }
        throw conflict();
    }

    /**
     * Applies a stored snapshot's pending effects and clears them, leaving the delivery to their
     * owner. If another request cleared them (or moved the flow on) first, continues from the flow
     * as stored.
     *
     * @return the flow as stored, with no pending effects
     */
    private FlowSnapshot settle(FlowSnapshot stored) {
        FlowSnapshot current = stored;
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            if (current.pendingEffects().isEmpty()) {
                return current;
            }
            applyEffects(current);
            FlowSnapshot cleared = current.effectsApplied();
            if (settings.flows().update(record(cleared, current.version() + 1))) {
                return cleared.atVersion(current.version() + 1);
            }
            current = load(current.flowId());
        }
        throw conflict();
    }

    private void applyEffects(FlowSnapshot s) {
        for (Effect effect : s.pendingEffects()) {
            effect.apply(settings.credentials(), settings.attempts());
        }
    }

    private static List<Effect> identify(String flowId, long version, List<Effect> effects) {
        List<Effect> identified = new ArrayList<>(effects.size());
        int index = 0;
        for (Effect effect : effects) {
            if (effect instanceof Effect.AppendAttempt append) {
                // flow id, commit version and position: equal for every application of this effect,
                // different for every other attempt ever recorded
                LoginAttempt attempt = append.attempt().withAttemptId(flowId + "." + version + "." + index++);
                identified.add(new Effect.AppendAttempt(attempt));
            } else {
                identified.add(effect);
            }
        }
        return identified;
    }

    private static FlowRecord record(FlowSnapshot s, long version) {
        return new FlowRecord(s.flowId(), version, s.expiresAt(), SnapshotCodec.write(s));
    }

    FlowSnapshot load(String flowId) {
        requireWellFormed(flowId);
        return snapshot(settings.flows().load(flowId).orElseThrow(StepRunner::unknownFlow));
    }

    private Loaded loadWithOwnerCredentials(FlowLoadWithCredentials loader, String flowId, Bytes credentialId) {
        requireWellFormed(flowId);
        FlowWithCredentials read =
                loader.loadWithOwnerCredentials(flowId, credentialId).orElseThrow(StepRunner::unknownFlow);
        return new Loaded(snapshot(read.flow()), read.ownerCredentials());
    }

    private static void requireWellFormed(@Nullable String flowId) {
        if (flowId == null || !Inputs.isWellFormedFlowId(flowId)) {
            throw unknownFlow();
        }
    }

    private FlowSnapshot snapshot(FlowRecord record) {
        if (!settings.clock().instant().isBefore(record.expiresAt())) {
            throw unknownFlow();
        }
        FlowSnapshot snapshot;
        try {
            snapshot = SnapshotCodec.read(record);
        } catch (RuntimeException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "stored flow is unreadable", e);
        }
        if (snapshot == null) {
            throw unknownFlow();
        }
        return snapshot;
    }

    static LoginStep guard(Supplier<LoginStep> step) {
        try {
            return step.get();
        } catch (StorageException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "storage failed: " + e.reason(), e);
        }
    }

    private static LoginFlowException unknownFlow() {
        return new LoginFlowException(Reason.UNKNOWN_FLOW, "unknown or expired flow; start a new login");
    }

    private static LoginFlowException conflict() {
        return new LoginFlowException(
                Reason.CONFLICT, "the flow was changed by another request, or expired, in the meantime");
    }

    @Override
    public String toString() {
        return "StepRunner[atomic=" + Objects.toString(atomic) + "]";
    }
}
