package dev.passkeyflow.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes flow snapshots as compact JSON documents and reads them back. The document carries a
 * format version: a snapshot written by another format version is treated as unknown (flows are
 * short-lived, so nothing is migrated). Keys are short because the document is written on every
 * step of every login.
 */
final class SnapshotCodec {

    /** Bumped whenever the document or the embedded Yubico request format changes. */
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SnapshotCodec() {
    }

    static String write(FlowSnapshot s) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("v", FORMAT_VERSION);
        root.put("st", s.state().name());
        root.put("id", s.identifier());
        putBytes(root, "uh", s.userHandle());
        root.set("cl", writeClient(s.client()));
        root.put("ca", s.createdAt().toEpochMilli());
        if (s.pendingRequestJson() != null) {
            root.put("pr", s.pendingRequestJson());
        }
        if (s.challengeIssuedAt() != null) {
            root.put("ci", s.challengeIssuedAt().toEpochMilli());
        }
        root.put("as", s.autoStart());
        root.put("cr", s.calmRetry());
        root.put("pa", s.passkeyAttempts());
        root.put("cf", s.consecutiveFailures());
        ArrayNode failures = root.putArray("fl");
        for (PasskeyFailure f : s.failures()) {
            ObjectNode node = failures.addObject();
            node.put("o", f.outcome().name());
            if (f.clientErrorName() != null) {
                node.put("n", f.clientErrorName());
            }
            node.put("e", f.elapsedMillis());
            putBytes(node, "c", f.credentialId());
        }
        putEnum(root, "fr", s.fallbackReason());
        root.put("ff", s.fallbackFailures());
        putEnum(root, "m", s.method());
        putEnum(root, "hk", s.healingKind());
        ObjectNode diagnosis = root.putObject("dg");
        diagnosis.put("c", s.diagnosis().cause().name());
        diagnosis.put("k", s.diagnosis().confidence().name());
        ArrayNode evidence = diagnosis.putArray("e");
        s.diagnosis().evidence().forEach(evidence::add);
        root.put("pl", s.platform().name());
        ArrayNode replaced = root.putArray("rc");
        s.replacedCredentials().forEach(c -> replaced.add(c.toBase64Url()));
        root.put("rs", s.replacedStatus().name());
        putEnum(root, "hr", s.healingResult());
        putBytes(root, "nc", s.newCredentialId());
        return root.toString();
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
        if (root == null || root.path("v").asInt(-1) != FORMAT_VERSION) {
            return null;
        }
        List<PasskeyFailure> failures = new ArrayList<>();
        for (JsonNode node : root.path("fl")) {
            failures.add(new PasskeyFailure(AttemptOutcome.valueOf(node.path("o").asText()), text(node, "n"),
                    node.path("e").asLong(-1), bytes(node, "c")));
        }
        JsonNode dg = root.path("dg");
        List<String> evidence = new ArrayList<>();
        dg.path("e").forEach(e -> evidence.add(e.asText()));
        FailureDiagnosis diagnosis = new FailureDiagnosis(FailureCause.valueOf(dg.path("c").asText("UNKNOWN")),
                Confidence.valueOf(dg.path("k").asText("LOW")), evidence);
        Set<Bytes> replaced = new LinkedHashSet<>();
        root.path("rc").forEach(c -> replaced.add(Bytes.fromBase64Url(c.asText())));
        return new FlowSnapshot(
                record.flowId(),
                record.version(),
                FlowState.valueOf(root.path("st").asText()),
                root.path("id").asText(),
                bytes(root, "uh"),
                readClient(root.path("cl")),
                Instant.ofEpochMilli(root.path("ca").asLong()),
                record.expiresAt(),
                text(root, "pr"),
                root.has("ci") ? Instant.ofEpochMilli(root.path("ci").asLong()) : null,
                root.path("as").asBoolean(),
                root.path("cr").asBoolean(),
                root.path("pa").asInt(),
                root.path("cf").asInt(),
                failures,
                enumValue(root, "fr", FallbackReason::valueOf),
                root.path("ff").asInt(),
                enumValue(root, "m", AuthenticationMethod::valueOf),
                enumValue(root, "hk", HealingKind::valueOf),
                diagnosis,
                ClientPlatform.valueOf(root.path("pl").asText("OTHER")),
                replaced,
                CredentialStatus.valueOf(root.path("rs").asText("SUSPECTED_BROKEN")),
                enumValue(root, "hr", HealingResult::valueOf),
                bytes(root, "nc"));
    }

    private static ObjectNode writeClient(ClientContext client) {
        ObjectNode node = MAPPER.createObjectNode();
        putText(node, "d", client.deviceId());
        putText(node, "ua", client.userAgent());
        putText(node, "hp", client.hints().platform());
        putText(node, "hv", client.hints().platformVersion());
        if (client.hints().mobile() != null) {
            node.put("hm", client.hints().mobile());
        }
        if (!client.capabilities().isEmpty()) {
            ObjectNode caps = node.putObject("cp");
            client.capabilities().forEach(caps::put);
        }
        if (client.userVerifyingPlatformAuthenticator() != null) {
            node.put("uv", client.userVerifyingPlatformAuthenticator());
        }
        if (client.conditionalMediation() != null) {
            node.put("cm", client.conditionalMediation());
        }
        LastLoginHint last = client.lastLogin();
        if (last != null) {
            ObjectNode hint = node.putObject("ll");
            hint.put("i", last.identifier());
            putText(hint, "c", last.credentialId());
        }
        return node;
    }

    private static ClientContext readClient(JsonNode node) {
        Map<String, Boolean> caps = new TreeMap<>();
        node.path("cp").fields().forEachRemaining(e -> caps.put(e.getKey(), e.getValue().asBoolean()));
        JsonNode ll = node.path("ll");
        LastLoginHint last = ll.isObject() ? new LastLoginHint(ll.path("i").asText(), text(ll, "c")) : null;
        return new ClientContext(text(node, "d"), text(node, "ua"),
                new ClientHints(text(node, "hp"), text(node, "hv"), bool(node, "hm")), caps, bool(node, "uv"),
                bool(node, "cm"), last);
    }

    private static void putBytes(ObjectNode node, String key, @Nullable Bytes value) {
        if (value != null) {
            node.put(key, value.toBase64Url());
        }
    }

    private static void putText(ObjectNode node, String key, @Nullable String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    private static void putEnum(ObjectNode node, String key, @Nullable Enum<?> value) {
        if (value != null) {
            node.put(key, value.name());
        }
    }

    private static @Nullable String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static @Nullable Boolean bool(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asBoolean();
    }

    private static @Nullable Bytes bytes(JsonNode node, String key) {
        String value = text(node, key);
        return value == null ? null : Bytes.fromBase64Url(value);
    }

    private static <E extends Enum<E>> @Nullable E enumValue(JsonNode node, String key, Function<String, E> parse) {
        String value = text(node, key);
        return value == null ? null : parse.apply(value);
    }

    static String abbreviate(String flowId) {
        return flowId.length() <= 6 ? flowId : flowId.substring(0, 6) + "…";
    }
}
