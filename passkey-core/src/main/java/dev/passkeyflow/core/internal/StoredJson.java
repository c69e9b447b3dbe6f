package dev.passkeyflow.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.storage.Bytes;
import java.time.Instant;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads and writes the values of the stored flow document by {@link StoredKey}; absent means {@code null}. */
final class StoredJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private StoredJson() {}

    static void put(ObjectNode node, StoredKey key, @Nullable String value) {
        if (value != null) {
            node.put(key.key, value);
        }
    }

    static void put(ObjectNode node, StoredKey key, @Nullable Bytes value) {
        if (value != null) {
            node.put(key.key, value.toBase64Url());
        }
    }

    static void put(ObjectNode node, StoredKey key, @Nullable Enum<?> value) {
        if (value != null) {
            node.put(key.key, value.name());
        }
    }

    static void put(ObjectNode node, StoredKey key, @Nullable Boolean value) {
        if (value != null) {
            node.put(key.key, value);
        }
    }

    static void put(ObjectNode node, StoredKey key, long value) {
        node.put(key.key, value);
    }

    static void put(ObjectNode node, StoredKey key, @Nullable JsonNode value) {
        if (value != null) {
            node.set(key.key, value);
        }
    }

    static void putMillis(ObjectNode node, StoredKey key, @Nullable Instant value) {
        if (value != null) {
            node.put(key.key, value.toEpochMilli());
        }
    }

    static JsonNode path(JsonNode node, StoredKey key) {
        return node.path(key.key);
    }

    static boolean has(JsonNode node, StoredKey key) {
        return node.has(key.key);
    }

    static @Nullable String text(JsonNode node, StoredKey key) {
        JsonNode value = node.get(key.key);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A value the document must hold; an absent one reads as the empty string (an impossible value). */
    static String requiredText(JsonNode node, StoredKey key) {
        return node.path(key.key).asText();
    }

    static @Nullable Boolean bool(JsonNode node, StoredKey key) {
        JsonNode value = node.get(key.key);
        return (value == null || value.isNull()) ? null : value.asBoolean();
    }

    static boolean flag(JsonNode node, StoredKey key) {
        return node.path(key.key).asBoolean();
    }

    static int integer(JsonNode node, StoredKey key) {
        return node.path(key.key).asInt();
    }

    static long number(JsonNode node, StoredKey key, long absent) {
        return node.path(key.key).asLong(absent);
    }

    static @Nullable Bytes bytes(JsonNode node, StoredKey key) {
        String value = text(node, key);
        return value == null ? null : Bytes.fromBase64Url(value);
    }

    static Bytes requiredBytes(JsonNode node, StoredKey key) {
        Bytes value = bytes(node, key);
        if (value == null) {
            throw new IllegalStateException("stored flow lacks " + key);
        }
        return value;
    }

    static <E extends Enum<E>> @Nullable E enumValue(JsonNode node, StoredKey key, Function<String, E> parse) {
        String value = text(node, key);
        return value == null ? null : parse.apply(value);
    }

    static Instant isoInstant(JsonNode node, StoredKey key) {
        return Instant.parse(requiredText(node, key));
    }
}
