package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.Bytes;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A decision {@link PasskeyIntelligence} made, for analytics: stamped with the flow's clock
 * reading, carrying the diagnosis and no secrets. The ceremonies themselves (successes, heals,
 * declines) are {@link dev.passkeyflow.core.LoginFlowEvent}s of the flow; those carry the same
 * diagnosis.
 */
public sealed interface IntelligenceEvent {

    Instant at();

    /** The account, or {@code null} for an unknown identifier. */
    @Nullable
    Bytes userHandle();

    /** The client's device id, if it sent one. */
    @Nullable
    String deviceId();

    /** At the start of a login: auto-start, button or fallback, with the reasons as tags. */
    record StartAdvised(
            Instant at,
            @Nullable Bytes userHandle,
            @Nullable String deviceId,
            StartDecision decision) implements IntelligenceEvent {}

    /** After a failed passkey attempt: the diagnosis and retry or fallback. */
    record FailureDiagnosed(
            Instant at, Bytes userHandle, @Nullable String deviceId, PasskeyFailure failure, FailureDecision decision)
            implements IntelligenceEvent {

        public FailureDiagnosis diagnosis() {
            return decision.diagnosis();
        }
    }

    /** After an authentication without a passkey: the offer (or none), its diagnosis and tags. */
    record HealingAdvised(
            Instant at, Bytes userHandle, @Nullable String deviceId, HealingDecision decision)
            implements IntelligenceEvent {

        public FailureDiagnosis diagnosis() {
            return decision.diagnosis();
        }
    }
}
