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
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
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
        StepReceipt receipt = s.receipt();
        if (receipt != null) {
            root.put("pc", receipt.call().name());
            root.put("pp", receipt.proof());
            root.put("pd", receipt.delivered());
        }
        if (!s.pendingEffects().isEmpty()) {
            ArrayNode effects = root.putArray("pe");
            s.pendingEffects().forEach(effect -> effects.add(writeEffect(effect)));
        }
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
        try {
            return readDocument(record, root);
        } catch (RuntimeException e) {
            // an impossible value (unknown enum name, bad base64url, ...) in a document of this version
            throw new IllegalStateException("stored flow " + abbreviate(record.flowId()) + " is corrupt", e);
        }
    }

    private static FlowSnapshot readDocument(FlowRecord record, JsonNode root) {
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
                bytes(root, "nc"),
                root.has("pc") ? new StepReceipt(PendingCall.valueOf(root.path("pc").asText()),
                        root.path("pp").asText(), root.path("pd").asBoolean()) : null,
                readEffects(root.path("pe")));
    }

    private static ObjectNode writeEffect(Effect effect) {
        ObjectNode node = MAPPER.createObjectNode();
        if (effect instanceof Effect.RecordUse use) {
            node.put("t", "use");
            putBytes(node, "c", use.credentialId());
            node.put("n", use.signatureCount());
            node.put("b", use.backupState());
            node.put("a", use.usedAt().toString());
            node.set("o", writeClientInfo(use.usedOn()));
        } else if (effect instanceof Effect.AppendAttempt append) {
            LoginAttempt a = append.attempt();
            node.put("t", "attempt");
            putBytes(node, "u", a.userHandle());
            putText(node, "d", a.deviceId());
            putBytes(node, "c", a.credentialId());
            node.put("o", a.outcome().name());
            putText(node, "n", a.clientErrorName());
            node.put("e", a.elapsedMillis());
            node.put("a", a.at().toString());
            putText(node, "p", a.platform());
            putText(node, "aa", a.authenticatorAttachment());
            putText(node, "ok", a.offerKind());
            putText(node, "i", a.attemptId());
        } else if (effect instanceof Effect.SaveCredential save) {
            StoredCredential c = save.credential();
            node.put("t", "credential");
            putBytes(node, "c", c.credentialId());
            putBytes(node, "u", c.userHandle());
            putBytes(node, "k", c.publicKeyCose());
            node.put("n", c.signatureCount());
            ArrayNode transports = node.putArray("tr");
            c.transports().forEach(transports::add);
            node.put("be", c.backupEligible());
            node.put("bs", c.backupState());
            putBytes(node, "ag", c.aaguid());
            node.put("a", c.createdAt().toString());
            node.set("co", writeClientInfo(c.createdOn()));
            node.put("s", c.status().name());
            putText(node, "nn", c.nickname());
        } else if (effect instanceof Effect.MarkReplaced mark) {
            node.put("t", "replaced");
            putBytes(node, "c", mark.credentialId());
            node.put("s", mark.status().name());
        }
        return node;
    }

    private static List<Effect> readEffects(JsonNode array) {
        List<Effect> effects = new ArrayList<>();
        for (JsonNode node : array) {
            String type = node.path("t").asText();
            effects.add(switch (type) {
                case "use" -> new Effect.RecordUse(requiredBytes(node, "c"), node.path("n").asLong(),
                        node.path("b").asBoolean(), Instant.parse(node.path("a").asText()),
                        readClientInfo(node.path("o")));
                case "attempt" -> new Effect.AppendAttempt(new LoginAttempt(requiredBytes(node, "u"), text(node, "d"),
                        bytes(node, "c"), AttemptOutcome.valueOf(node.path("o").asText()), text(node, "n"),
                        node.path("e").asLong(-1), Instant.parse(node.path("a").asText()), text(node, "p"),
                        text(node, "aa"), text(node, "ok"), text(node, "i")));
                case "credential" -> {
                    Set<String> transports = new LinkedHashSet<>();
                    node.path("tr").forEach(t -> transports.add(t.asText()));
                    yield new Effect.SaveCredential(new StoredCredential(requiredBytes(node, "c"),
                            requiredBytes(node, "u"), requiredBytes(node, "k"), node.path("n").asLong(), transports,
                            node.path("be").asBoolean(), node.path("bs").asBoolean(), bytes(node, "ag"),
                            Instant.parse(node.path("a").asText()), null, readClientInfo(node.path("co")), null,
                            CredentialStatus.valueOf(node.path("s").asText()), text(node, "nn")));
                }
                case "replaced" -> new Effect.MarkReplaced(requiredBytes(node, "c"),
                        CredentialStatus.valueOf(node.path("s").asText()));
                default -> throw new IllegalStateException("unknown effect type in stored flow: " + type);
            });
        }
        return effects;
    }

    private static ObjectNode writeClientInfo(ClientInfo info) {
        ObjectNode node = MAPPER.createObjectNode();
        putText(node, "d", info.deviceId());
        putText(node, "p", info.platform());
        putText(node, "b", info.browser());
        return node;
    }

    private static ClientInfo readClientInfo(JsonNode node) {
        return new ClientInfo(text(node, "d"), text(node, "p"), text(node, "b"));
    }

    private static Bytes requiredBytes(JsonNode node, String key) {
        Bytes value = bytes(node, key);
        if (value == null) {
            throw new IllegalStateException("stored effect lacks " + key);
        }
        return value;
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
        node.path("cp").properties().forEach(e -> caps.put(e.getKey(), e.getValue().asBoolean()));
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
        return (value == null || value.isNull()) ? null : value.asBoolean();
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
