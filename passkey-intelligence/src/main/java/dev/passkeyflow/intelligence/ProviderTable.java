package dev.passkeyflow.intelligence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Loads the shipped AAGUID names and passkeyflow's kinds table from class-path resources. */
final class ProviderTable {

    static final String NAMES = "/dev/passkeyflow/intelligence/aaguids.json";
    static final String KINDS = "/dev/passkeyflow/intelligence/provider-kinds.json";

    private ProviderTable() {}

    /** Every named AAGUID with its kind. */
    public static Map<UUID, PasskeyProvider> load() {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode names = read(mapper, NAMES);
        JsonNode kindsFile = read(mapper, KINDS);
        Map<UUID, ProviderKind> kinds = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> k =
                kindsFile.path("kinds").properties().iterator();
        while (k.hasNext()) {
            Map.Entry<String, JsonNode> e = k.next();
            kinds.put(
                    UUID.fromString(e.getKey()),
                    ProviderKind.valueOf(e.getValue().asText()));
        }
        List<String> keyPatterns = new ArrayList<>();
        kindsFile
                .path("hardwareKeyNamePatterns")
                .forEach(p -> keyPatterns.add(p.asText().toLowerCase(Locale.ROOT)));

        Map<UUID, PasskeyProvider> result = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> n = names.properties().iterator();
        while (n.hasNext()) {
            Map.Entry<String, JsonNode> e = n.next();
            UUID aaguid;
            try {
                aaguid = UUID.fromString(e.getKey());
            } catch (IllegalArgumentException bad) {
                continue;
            }
            String name = e.getValue().asText();
            ProviderKind kind = kinds.getOrDefault(aaguid, kindByName(name, keyPatterns));
            result.put(aaguid, new PasskeyProvider(aaguid, name, kind));
        }
        return result;
    }

    static ProviderKind kindByName(String name, List<String> keyPatterns) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String pattern : keyPatterns) {
            if (lower.contains(pattern)) {
                return ProviderKind.HARDWARE_SECURITY_KEY;
            }
        }
        return ProviderKind.UNKNOWN;
    }

    private static JsonNode read(ObjectMapper mapper, String resource) {
        try (InputStream in = ProviderTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the class path");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
