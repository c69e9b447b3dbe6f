package dev.passkeyflow.core.internal;

import static dev.passkeyflow.core.internal.StoredJson.MAPPER;
import static dev.passkeyflow.core.internal.StoredJson.bool;
import static dev.passkeyflow.core.internal.StoredJson.bytes;
import static dev.passkeyflow.core.internal.StoredJson.enumValue;
import static dev.passkeyflow.core.internal.StoredJson.flag;
import static dev.passkeyflow.core.internal.StoredJson.has;
import static dev.passkeyflow.core.internal.StoredJson.integer;
import static dev.passkeyflow.core.internal.StoredJson.number;
import static dev.passkeyflow.core.internal.StoredJson.path;
import static dev.passkeyflow.core.internal.StoredJson.put;
import static dev.passkeyflow.core.internal.StoredJson.putMillis;
import static dev.passkeyflow.core.internal.StoredJson.requiredText;
import static dev.passkeyflow.core.internal.StoredJson.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LastLoginHint;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes flow snapshots as compact JSON documents and reads them back, every key through the one
 * table {@link StoredKey}. The document carries a format version: a snapshot written by another
 * format version is treated as unknown (flows are short-lived, so nothing is migrated). The
 * document is flat although the snapshot is grouped: format 1 was written that way, and a test
 * reads a document written by the code before the grouping.
 */
final class SnapshotCodec {

    /** Bumped whenever the document or the embedded Yubico request format changes. */
    static final int FORMAT_VERSION = 1;

    private SnapshotCodec() {}

    static String write(FlowSnapshot s) {
        ObjectNode root = MAPPER.createObjectNode();
        put(root, StoredKey.VERSION, FORMAT_VERSION);
        put(root, StoredKey.STATE, s.state());
        put(root, StoredKey.IDENTIFIER, s.identifier());
        put(root, StoredKey.USER_HANDLE, s.userHandle());
        put(root, StoredKey.CLIENT, writeClient(s.client()));
        putMillis(root, StoredKey.CREATED_AT, s.subject().createdAt());
        FlowSnapshot.Pending pending = s.pending();
        if (pending != null) {
            put(root, StoredKey.PENDING_REQUEST, pending.requestJson());
            putMillis(root, StoredKey.CHALLENGE_ISSUED_AT, pending.issuedAt());
        }
        writePasskey(root, s.passkey());
        put(root, StoredKey.FALLBACK_REASON, s.fallback().reason());
        put(root, StoredKey.FALLBACK_FAILURES, s.fallback().failures());
        put(root, StoredKey.METHOD, s.method());
        writeHealing(root, s.healing());
        StepReceipt receipt = s.receipt();
        if (receipt != null) {
            put(root, StoredKey.RECEIPT_CALL, receipt.storedCall());
            put(root, StoredKey.RECEIPT_PROOF, receipt.proof());
            put(root, StoredKey.RECEIPT_DELIVERED, receipt.delivered());
        }
        if (!s.pendingEffects().isEmpty()) {
            ArrayNode effects = root.putArray(StoredKey.PENDING_EFFECTS.key);
            s.pendingEffects().forEach(effect -> effects.add(EffectCodec.write(effect)));
        }
        return root.toString();
    }

    private static void writePasskey(ObjectNode root, FlowSnapshot.Passkey p) {
        put(root, StoredKey.AUTO_START, p.autoStart());
        put(root, StoredKey.CALM_RETRY, p.calmRetry());
        put(root, StoredKey.PASSKEY_ATTEMPTS, p.attempts());
        put(root, StoredKey.CONSECUTIVE_FAILURES, p.consecutiveFailures());
        ArrayNode failures = root.putArray(StoredKey.FAILURES.key);
        for (PasskeyFailure f : p.failures()) {
            ObjectNode node = failures.addObject();
            put(node, StoredKey.FAILURE_OUTCOME, f.outcome());
            put(node, StoredKey.FAILURE_ERROR_NAME, f.clientErrorName());
            put(node, StoredKey.FAILURE_ELAPSED, f.elapsedMillis());
            put(node, StoredKey.FAILURE_CREDENTIAL, f.credentialId());
        }
    }

    private static void writeHealing(ObjectNode root, FlowSnapshot.Healing h) {
        put(root, StoredKey.HEALING_KIND, h.kind());
        ObjectNode diagnosis = root.putObject(StoredKey.DIAGNOSIS.key);
        put(diagnosis, StoredKey.DIAGNOSIS_CAUSE, h.diagnosis().cause());
        put(diagnosis, StoredKey.DIAGNOSIS_CONFIDENCE, h.diagnosis().confidence());
        ArrayNode evidence = diagnosis.putArray(StoredKey.DIAGNOSIS_EVIDENCE.key);
        h.diagnosis().evidence().forEach(evidence::add);
        put(root, StoredKey.PLATFORM, h.platform());
        ArrayNode replaced = root.putArray(StoredKey.REPLACED_CREDENTIALS.key);
        h.replacedCredentials().forEach(c -> replaced.add(c.toBase64Url()));
        put(root, StoredKey.REPLACED_STATUS, h.replacedStatus());
        put(root, StoredKey.HEALING_RESULT, h.result());
        put(root, StoredKey.NEW_CREDENTIAL, h.newCredentialId());
        if (h.silent()) {
            put(root, StoredKey.SILENT_OFFER, Boolean.TRUE);
        }
    }

    /**
     * @return the snapshot, or {@code null} when the document is of another format version
     * @throws IllegalStateException when the document is corrupt
     */
    static @Nullable FlowSnapshot read(FlowRecord record) {
        JsonNode root;
        try {
            root = MAPPER.readTree(record.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored flow " + abbreviate(record.flowId()) + " is not valid JSON", e);
        }
        if (root == null || path(root, StoredKey.VERSION).asInt(-1) != FORMAT_VERSION) {
            return null;
        }
        try {
            return readDocument(record, root);
        } catch (RuntimeException e) {
            // an impossible value (unknown enum name, bad base64url, ...) in a document of this version
            throw new IllegalStateException("stored flow " + abbreviate(record.flowId()) + " is corrupt", e);
        }
    }

    private static FlowSnapshot readDocument(FlowRecord record, JsonNode root) {
        FlowSnapshot.Subject subject = new FlowSnapshot.Subject(
                requiredText(root, StoredKey.IDENTIFIER),
                bytes(root, StoredKey.USER_HANDLE),
                readClient(path(root, StoredKey.CLIENT)),
                Instant.ofEpochMilli(number(root, StoredKey.CREATED_AT, 0)),
                record.expiresAt());
        String request = text(root, StoredKey.PENDING_REQUEST);
        // An issue time is always written with the request; without one the challenge counts as expired.
        FlowSnapshot.Pending pending = request == null
                ? null
                : new FlowSnapshot.Pending(
                        request, Instant.ofEpochMilli(number(root, StoredKey.CHALLENGE_ISSUED_AT, 0)));
        FlowSnapshot.Fallback fallback = new FlowSnapshot.Fallback(
                enumValue(root, StoredKey.FALLBACK_REASON, FallbackReason::valueOf),
                integer(root, StoredKey.FALLBACK_FAILURES));
        StepReceipt receipt = has(root, StoredKey.RECEIPT_CALL)
                ? new StepReceipt(
                        StepReceipt.callOf(requiredText(root, StoredKey.RECEIPT_CALL)),
                        requiredText(root, StoredKey.RECEIPT_PROOF),
                        flag(root, StoredKey.RECEIPT_DELIVERED))
                : null;
        return new FlowSnapshot(
                record.flowId(),
                record.version(),
                FlowState.valueOf(requiredText(root, StoredKey.STATE)),
                subject,
                pending,
                readPasskey(root),
                fallback,
                enumValue(root, StoredKey.METHOD, AuthenticationMethod::valueOf),
                readHealing(root),
                receipt,
                EffectCodec.readAll(path(root, StoredKey.PENDING_EFFECTS)));
    }

    private static FlowSnapshot.Passkey readPasskey(JsonNode root) {
        List<PasskeyFailure> failures = new ArrayList<>();
        for (JsonNode node : path(root, StoredKey.FAILURES)) {
            failures.add(new PasskeyFailure(
                    AttemptOutcome.valueOf(requiredText(node, StoredKey.FAILURE_OUTCOME)),
                    text(node, StoredKey.FAILURE_ERROR_NAME),
                    number(node, StoredKey.FAILURE_ELAPSED, -1),
                    bytes(node, StoredKey.FAILURE_CREDENTIAL)));
        }
        return new FlowSnapshot.Passkey(
                flag(root, StoredKey.AUTO_START),
                flag(root, StoredKey.CALM_RETRY),
                integer(root, StoredKey.PASSKEY_ATTEMPTS),
                integer(root, StoredKey.CONSECUTIVE_FAILURES),
                failures);
    }

    private static FlowSnapshot.Healing readHealing(JsonNode root) {
        JsonNode dg = path(root, StoredKey.DIAGNOSIS);
        List<String> evidence = new ArrayList<>();
        path(dg, StoredKey.DIAGNOSIS_EVIDENCE).forEach(e -> evidence.add(e.asText()));
        FailureDiagnosis diagnosis = new FailureDiagnosis(
                FailureCause.valueOf(path(dg, StoredKey.DIAGNOSIS_CAUSE).asText("UNKNOWN")),
                Confidence.valueOf(path(dg, StoredKey.DIAGNOSIS_CONFIDENCE).asText("LOW")),
                evidence);
        Set<Bytes> replaced = new LinkedHashSet<>();
        path(root, StoredKey.REPLACED_CREDENTIALS).forEach(c -> replaced.add(Bytes.fromBase64Url(c.asText())));
        return new FlowSnapshot.Healing(
                enumValue(root, StoredKey.HEALING_KIND, HealingKind::valueOf),
                diagnosis,
                ClientPlatform.valueOf(path(root, StoredKey.PLATFORM).asText("OTHER")),
                replaced,
                CredentialStatus.valueOf(path(root, StoredKey.REPLACED_STATUS).asText("SUSPECTED_BROKEN")),
                enumValue(root, StoredKey.HEALING_RESULT, HealingResult::valueOf),
                bytes(root, StoredKey.NEW_CREDENTIAL),
                flag(root, StoredKey.SILENT_OFFER));
    }

    private static ObjectNode writeClient(ClientContext client) {
        ObjectNode node = MAPPER.createObjectNode();
        put(node, StoredKey.CLIENT_DEVICE, client.deviceId());
        put(node, StoredKey.CLIENT_USER_AGENT, client.userAgent());
        put(node, StoredKey.CLIENT_HINT_PLATFORM, client.hints().platform());
        put(node, StoredKey.CLIENT_HINT_VERSION, client.hints().platformVersion());
        put(node, StoredKey.CLIENT_HINT_MOBILE, client.hints().mobile());
        if (!client.capabilities().isEmpty()) {
            ObjectNode caps = node.putObject(StoredKey.CLIENT_CAPABILITIES.key);
            client.capabilities().forEach(caps::put);
        }
        put(node, StoredKey.CLIENT_UV_PLATFORM, client.userVerifyingPlatformAuthenticator());
        put(node, StoredKey.CLIENT_CONDITIONAL, client.conditionalMediation());
        LastLoginHint last = client.lastLogin();
        if (last != null) {
            ObjectNode hint = node.putObject(StoredKey.CLIENT_LAST_LOGIN.key);
            put(hint, StoredKey.LAST_LOGIN_IDENTIFIER, last.identifier());
            put(hint, StoredKey.LAST_LOGIN_CREDENTIAL, last.credentialId());
        }
        return node;
    }

    private static ClientContext readClient(JsonNode node) {
        Map<String, Boolean> caps = new TreeMap<>();
        path(node, StoredKey.CLIENT_CAPABILITIES)
                .properties()
                .forEach(e -> caps.put(e.getKey(), e.getValue().asBoolean()));
        JsonNode ll = path(node, StoredKey.CLIENT_LAST_LOGIN);
        LastLoginHint last = ll.isObject()
                ? new LastLoginHint(
                        requiredText(ll, StoredKey.LAST_LOGIN_IDENTIFIER), text(ll, StoredKey.LAST_LOGIN_CREDENTIAL))
                : null;
        return new ClientContext(
                text(node, StoredKey.CLIENT_DEVICE),
                text(node, StoredKey.CLIENT_USER_AGENT),
                new ClientHints(
                        text(node, StoredKey.CLIENT_HINT_PLATFORM),
                        text(node, StoredKey.CLIENT_HINT_VERSION),
                        bool(node, StoredKey.CLIENT_HINT_MOBILE)),
                caps,
                bool(node, StoredKey.CLIENT_UV_PLATFORM),
                bool(node, StoredKey.CLIENT_CONDITIONAL),
                last);
    }

    static String abbreviate(String flowId) {
        return flowId.length() <= 6 ? flowId : flowId.substring(0, 6) + "…";
    }
}
