package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The immutable state of one flow, as stored (serialised by {@link SnapshotCodec}) between requests.
 *
 * @param version the storage version this snapshot was loaded at (not serialised)
 * @param pendingRequestJson Yubico's {@code toJson()} of the pending assertion request or creation
 *     options; {@code null} when nothing is pending
 * @param challengeIssuedAt when the pending challenge was issued
 * @param receipt the call that moved the flow into this state and the digest of what that call
 *     proved; a repeat of exactly that call gets this state's step again, anything else is a new
 *     call ({@code null} for a state made by {@code start} or {@code enrol})
 * @param pendingEffects writes of that call not yet applied (only without an atomic step store)
 * @param autoStart in {@code PASSKEY_PENDING}: start the ceremony at once; in {@code HEALING_PENDING}:
 *     the offer is silent (conditional create, started at once without a dialog)
 * @param identifier the normalised identifier; empty for a usernameless flow until its assertion
 *     verifies, then the owner's
 */
public record FlowSnapshot(
        String flowId,
        long version,
        FlowState state,
        String identifier,
        @Nullable Bytes userHandle,
        ClientContext client,
        Instant createdAt,
        Instant expiresAt,
        @Nullable String pendingRequestJson,
        @Nullable Instant challengeIssuedAt,
        boolean autoStart,
        boolean calmRetry,
        int passkeyAttempts,
        int consecutiveFailures,
        List<PasskeyFailure> failures,
        @Nullable FallbackReason fallbackReason,
        int fallbackFailures,
        @Nullable AuthenticationMethod method,
        @Nullable HealingKind healingKind,
        FailureDiagnosis diagnosis,
        ClientPlatform platform,
        Set<Bytes> replacedCredentials,
        CredentialStatus replacedStatus,
        @Nullable HealingResult healingResult,
        @Nullable Bytes newCredentialId,
        @Nullable StepReceipt receipt,
        List<Effect> pendingEffects) {

    public FlowSnapshot {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        failures = List.copyOf(failures);
        Objects.requireNonNull(diagnosis, "diagnosis");
        Objects.requireNonNull(platform, "platform");
        replacedCredentials = Set.copyOf(replacedCredentials);
        Objects.requireNonNull(replacedStatus, "replacedStatus");
        pendingEffects = List.copyOf(pendingEffects);
    }

    /** A snapshot without pending effects. */
    public FlowSnapshot(String flowId, long version, FlowState state, String identifier, @Nullable Bytes userHandle,
            ClientContext client, Instant createdAt, Instant expiresAt, @Nullable String pendingRequestJson,
            @Nullable Instant challengeIssuedAt, boolean autoStart, boolean calmRetry, int passkeyAttempts,
            int consecutiveFailures, List<PasskeyFailure> failures, @Nullable FallbackReason fallbackReason,
            int fallbackFailures, @Nullable AuthenticationMethod method, @Nullable HealingKind healingKind,
            FailureDiagnosis diagnosis, ClientPlatform platform, Set<Bytes> replacedCredentials,
            CredentialStatus replacedStatus, @Nullable HealingResult healingResult, @Nullable Bytes newCredentialId) {
        this(flowId, version, state, identifier, userHandle, client, createdAt, expiresAt, pendingRequestJson,
                challengeIssuedAt, autoStart, calmRetry, passkeyAttempts, consecutiveFailures, failures,
                fallbackReason, fallbackFailures, method, healingKind, diagnosis, platform, replacedCredentials,
                replacedStatus, healingResult, newCredentialId, null, List.of());
    }

    /** The same snapshot at another storage version. */
    FlowSnapshot atVersion(long newVersion) {
        return new FlowSnapshot(flowId, newVersion, state, identifier, userHandle, client, createdAt, expiresAt,
                pendingRequestJson, challengeIssuedAt, autoStart, calmRetry, passkeyAttempts, consecutiveFailures,
                failures, fallbackReason, fallbackFailures, method, healingKind, diagnosis, platform,
                replacedCredentials, replacedStatus, healingResult, newCredentialId, receipt, pendingEffects);
    }

    /** A fresh flow in state {@link FlowState#NEW}. */
    static FlowSnapshot fresh(String flowId, String identifier, @Nullable Bytes userHandle, ClientContext client,
            Instant now, Instant expiresAt) {
        return new FlowSnapshot(flowId, 0, FlowState.NEW, identifier, userHandle, client, now, expiresAt, null, null,
                false, false, 0, 0, List.of(), null, 0, null, null, FailureDiagnosis.unknown(), ClientPlatform.of(client),
                Set.of(), CredentialStatus.SUSPECTED_BROKEN, null, null);
    }

    Editor edit() {
        return new Editor(this);
    }

    /** Copies a snapshot with changes; the version is left to the store. */
    static final class Editor {
        private final FlowSnapshot base;
        private FlowState state;
        private String identifier;
        private @Nullable Bytes userHandle;
        private @Nullable String pendingRequestJson;
        private @Nullable Instant challengeIssuedAt;
        private boolean autoStart;
        private boolean calmRetry;
        private int passkeyAttempts;
        private int consecutiveFailures;
        private List<PasskeyFailure> failures;
        private @Nullable FallbackReason fallbackReason;
        private int fallbackFailures;
        private @Nullable AuthenticationMethod method;
        private @Nullable HealingKind healingKind;
        private FailureDiagnosis diagnosis;
        private ClientPlatform platform;
        private Set<Bytes> replacedCredentials;
        private CredentialStatus replacedStatus;
        private @Nullable HealingResult healingResult;
        private @Nullable Bytes newCredentialId;
        private @Nullable StepReceipt receipt;
        private List<Effect> pendingEffects;

        private Editor(FlowSnapshot s) {
            base = s;
            state = s.state;
            identifier = s.identifier;
            userHandle = s.userHandle;
            pendingRequestJson = s.pendingRequestJson;
            challengeIssuedAt = s.challengeIssuedAt;
            autoStart = s.autoStart;
            calmRetry = s.calmRetry;
            passkeyAttempts = s.passkeyAttempts;
            consecutiveFailures = s.consecutiveFailures;
            failures = s.failures;
            fallbackReason = s.fallbackReason;
            fallbackFailures = s.fallbackFailures;
            method = s.method;
            healingKind = s.healingKind;
            diagnosis = s.diagnosis;
            platform = s.platform;
            replacedCredentials = s.replacedCredentials;
            replacedStatus = s.replacedStatus;
            healingResult = s.healingResult;
            newCredentialId = s.newCredentialId;
            receipt = s.receipt;
            pendingEffects = s.pendingEffects;
        }

        Editor state(FlowState value) { state = value; return this; }
        Editor userHandle(@Nullable Bytes value) { userHandle = value; return this; }
        /** Only a usernameless flow changes it: to its verified owner's identifier. */
        Editor identifier(String value) { identifier = value; return this; }
        Editor pending(@Nullable String requestJson, @Nullable Instant issuedAt) {
            pendingRequestJson = requestJson;
            challengeIssuedAt = issuedAt;
            return this;
        }
        Editor autoStart(boolean value) { autoStart = value; return this; }
        Editor calmRetry(boolean value) { calmRetry = value; return this; }
        Editor passkeyAttempts(int value) { passkeyAttempts = value; return this; }
        Editor consecutiveFailures(int value) { consecutiveFailures = value; return this; }
        Editor failures(List<PasskeyFailure> value) { failures = value; return this; }
        Editor fallbackReason(@Nullable FallbackReason value) { fallbackReason = value; return this; }
        Editor fallbackFailures(int value) { fallbackFailures = value; return this; }
        Editor method(@Nullable AuthenticationMethod value) { method = value; return this; }
        Editor healingKind(@Nullable HealingKind value) { healingKind = value; return this; }
        Editor diagnosis(FailureDiagnosis value) { diagnosis = value; return this; }
        Editor platform(ClientPlatform value) { platform = value; return this; }
        Editor replaced(Set<Bytes> credentials, CredentialStatus status) {
            replacedCredentials = credentials;
            replacedStatus = status;
            return this;
        }
        Editor healingResult(@Nullable HealingResult value) { healingResult = value; return this; }
        Editor newCredentialId(@Nullable Bytes value) { newCredentialId = value; return this; }
        /** The call that makes this state and its proof, with the effects still to be applied. */
        Editor committed(StepReceipt value, List<Effect> effects) {
            receipt = value;
            pendingEffects = effects;
            return this;
        }

        /** The effects have been applied; the receipt stays, so a retry of that call is recognised. */
        Editor effectsApplied() {
            pendingEffects = List.of();
            return this;
        }

        FlowSnapshot build() {
            return new FlowSnapshot(base.flowId, base.version, state, identifier, userHandle, base.client,
                    base.createdAt, base.expiresAt, pendingRequestJson, challengeIssuedAt, autoStart, calmRetry,
                    passkeyAttempts, consecutiveFailures, failures, fallbackReason, fallbackFailures, method,
                    healingKind, diagnosis, platform, replacedCredentials, replacedStatus, healingResult,
                    newCredentialId, receipt, pendingEffects);
        }
    }
}
