package dev.passkeyflow.core.internal;

import static dev.passkeyflow.core.internal.StoredJson.MAPPER;
import static dev.passkeyflow.core.internal.StoredJson.bytes;
import static dev.passkeyflow.core.internal.StoredJson.flag;
import static dev.passkeyflow.core.internal.StoredJson.isoInstant;
import static dev.passkeyflow.core.internal.StoredJson.number;
import static dev.passkeyflow.core.internal.StoredJson.path;
import static dev.passkeyflow.core.internal.StoredJson.put;
import static dev.passkeyflow.core.internal.StoredJson.requiredBytes;
import static dev.passkeyflow.core.internal.StoredJson.requiredText;
import static dev.passkeyflow.core.internal.StoredJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The stored form of a step's pending {@link Effect}s, part of the flow document ({@link SnapshotCodec}). */
final class EffectCodec {

    private static final String USE = "use";
    private static final String ATTEMPT = "attempt";
    private static final String CREDENTIAL = "credential";
    private static final String REPLACED = "replaced";

    private EffectCodec() {}

    static ObjectNode write(Effect effect) {
        ObjectNode node = MAPPER.createObjectNode();
        if (effect instanceof Effect.RecordUse use) {
            put(node, StoredKey.EFFECT_TYPE, USE);
            put(node, StoredKey.USE_CREDENTIAL, use.credentialId());
            put(node, StoredKey.USE_COUNT, use.signatureCount());
            put(node, StoredKey.USE_BACKUP_STATE, use.backupState());
            put(node, StoredKey.USE_AT, use.usedAt().toString());
            put(node, StoredKey.USE_ON, writeClientInfo(use.usedOn()));
        } else if (effect instanceof Effect.AppendAttempt append) {
            writeAttempt(node, append.attempt());
        } else if (effect instanceof Effect.SaveCredential save) {
            writeCredential(node, save.credential());
        } else if (effect instanceof Effect.MarkReplaced mark) {
            put(node, StoredKey.EFFECT_TYPE, REPLACED);
            put(node, StoredKey.REPLACED_CREDENTIAL, mark.credentialId());
            put(node, StoredKey.REPLACED_STATUS_TO, mark.status());
        }
        return node;
    }

    private static void writeAttempt(ObjectNode node, LoginAttempt a) {
        put(node, StoredKey.EFFECT_TYPE, ATTEMPT);
        put(node, StoredKey.ATTEMPT_USER, a.userHandle());
        put(node, StoredKey.ATTEMPT_DEVICE, a.deviceId());
        put(node, StoredKey.ATTEMPT_CREDENTIAL, a.credentialId());
        put(node, StoredKey.ATTEMPT_OUTCOME, a.outcome());
        put(node, StoredKey.ATTEMPT_ERROR_NAME, a.clientErrorName());
        put(node, StoredKey.ATTEMPT_ELAPSED, a.elapsedMillis());
        put(node, StoredKey.ATTEMPT_AT, a.at().toString());
        put(node, StoredKey.ATTEMPT_PLATFORM, a.platform());
        put(node, StoredKey.ATTEMPT_ATTACHMENT, a.authenticatorAttachment());
        put(node, StoredKey.ATTEMPT_OFFER_KIND, a.offerKind());
        put(node, StoredKey.ATTEMPT_ID, a.attemptId());
    }

    private static void writeCredential(ObjectNode node, StoredCredential c) {
        put(node, StoredKey.EFFECT_TYPE, CREDENTIAL);
        put(node, StoredKey.CREDENTIAL_ID, c.credentialId());
        put(node, StoredKey.CREDENTIAL_USER, c.userHandle());
        put(node, StoredKey.CREDENTIAL_PUBLIC_KEY, c.publicKeyCose());
        put(node, StoredKey.CREDENTIAL_COUNT, c.signatureCount());
        ArrayNode transports = node.putArray(StoredKey.CREDENTIAL_TRANSPORTS.key);
        c.transports().forEach(transports::add);
        put(node, StoredKey.CREDENTIAL_BACKUP_ELIGIBLE, c.backupEligible());
        put(node, StoredKey.CREDENTIAL_BACKUP_STATE, c.backupState());
        put(node, StoredKey.CREDENTIAL_AAGUID, c.aaguid());
        put(node, StoredKey.CREDENTIAL_CREATED_AT, c.createdAt().toString());
        put(node, StoredKey.CREDENTIAL_CREATED_ON, writeClientInfo(c.createdOn()));
        put(node, StoredKey.CREDENTIAL_STATUS, c.status());
        put(node, StoredKey.CREDENTIAL_NICKNAME, c.nickname());
    }

    static List<Effect> readAll(JsonNode array) {
        List<Effect> effects = new ArrayList<>();
        for (JsonNode node : array) {
            effects.add(read(node));
        }
        return effects;
    }

    private static Effect read(JsonNode node) {
        String type = requiredText(node, StoredKey.EFFECT_TYPE);
        return switch (type) {
            case USE ->
                new Effect.RecordUse(
                        requiredBytes(node, StoredKey.USE_CREDENTIAL),
                        number(node, StoredKey.USE_COUNT, 0),
                        flag(node, StoredKey.USE_BACKUP_STATE),
                        isoInstant(node, StoredKey.USE_AT),
                        readClientInfo(path(node, StoredKey.USE_ON)));
            case ATTEMPT ->
                new Effect.AppendAttempt(new LoginAttempt(
                        requiredBytes(node, StoredKey.ATTEMPT_USER),
                        text(node, StoredKey.ATTEMPT_DEVICE),
                        bytes(node, StoredKey.ATTEMPT_CREDENTIAL),
                        AttemptOutcome.valueOf(requiredText(node, StoredKey.ATTEMPT_OUTCOME)),
                        text(node, StoredKey.ATTEMPT_ERROR_NAME),
                        number(node, StoredKey.ATTEMPT_ELAPSED, -1),
                        isoInstant(node, StoredKey.ATTEMPT_AT),
                        text(node, StoredKey.ATTEMPT_PLATFORM),
                        text(node, StoredKey.ATTEMPT_ATTACHMENT),
                        text(node, StoredKey.ATTEMPT_OFFER_KIND),
                        text(node, StoredKey.ATTEMPT_ID)));
            case CREDENTIAL -> new Effect.SaveCredential(readCredential(node));
            case REPLACED ->
                new Effect.MarkReplaced(
                        requiredBytes(node, StoredKey.REPLACED_CREDENTIAL),
                        CredentialStatus.valueOf(requiredText(node, StoredKey.REPLACED_STATUS_TO)));
            default -> throw new IllegalStateException("unknown effect type in stored flow: " + type);
        };
    }

    private static StoredCredential readCredential(JsonNode node) {
        Set<String> transports = new LinkedHashSet<>();
        path(node, StoredKey.CREDENTIAL_TRANSPORTS).forEach(t -> transports.add(t.asText()));
        return new StoredCredential(
                requiredBytes(node, StoredKey.CREDENTIAL_ID),
                requiredBytes(node, StoredKey.CREDENTIAL_USER),
                requiredBytes(node, StoredKey.CREDENTIAL_PUBLIC_KEY),
                number(node, StoredKey.CREDENTIAL_COUNT, 0),
                transports,
                flag(node, StoredKey.CREDENTIAL_BACKUP_ELIGIBLE),
                flag(node, StoredKey.CREDENTIAL_BACKUP_STATE),
                bytes(node, StoredKey.CREDENTIAL_AAGUID),
                isoInstant(node, StoredKey.CREDENTIAL_CREATED_AT),
                null,
                readClientInfo(path(node, StoredKey.CREDENTIAL_CREATED_ON)),
                null,
                CredentialStatus.valueOf(requiredText(node, StoredKey.CREDENTIAL_STATUS)),
                text(node, StoredKey.CREDENTIAL_NICKNAME));
    }

    private static ObjectNode writeClientInfo(ClientInfo info) {
        ObjectNode node = MAPPER.createObjectNode();
        put(node, StoredKey.CLIENT_INFO_DEVICE, info.deviceId());
        put(node, StoredKey.CLIENT_INFO_PLATFORM, info.platform());
        put(node, StoredKey.CLIENT_INFO_BROWSER, info.browser());
        return node;
    }

    private static ClientInfo readClientInfo(JsonNode node) {
        return new ClientInfo(
                text(node, StoredKey.CLIENT_INFO_DEVICE),
                text(node, StoredKey.CLIENT_INFO_PLATFORM),
                text(node, StoredKey.CLIENT_INFO_BROWSER));
    }
}
