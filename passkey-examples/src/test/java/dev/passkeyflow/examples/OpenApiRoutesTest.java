package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docs/openapi.yaml lists exactly the routes the demo registers, so the contract cannot drift from the code. */
@DisplayName("The OpenAPI contract and the demo's routes")
class OpenApiRoutesTest {

    private static final Set<HandlerType> VERBS =
            Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private static final Set<String> OPERATIONS = Set.of("get", "post", "put", "patch", "delete");

    private static DemoApp app;
    private static Map<String, Object> openApi;

    @BeforeAll
    static void start() throws IOException {
        try (Reader reader = Files.newBufferedReader(openApiFile())) {
            openApi = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        app = DemoApp.start(new DemoConfig(
                "127.0.0.1",
                port,
                "jdbc:h2:mem:openapi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                null,
                null,
                Path.of("target"),
                4,
                DemoConfig.DEFAULT_CEREMONY_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @DisplayName("every route the demo registers is documented, and every documented operation is a route")
    void sameRoutes() {
        Set<String> registered = new TreeSet<>();
        for (ParsedEndpoint parsed :
                app.server().unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (VERBS.contains(parsed.getEndpoint().getMethod())) {
                registered.add(parsed.getEndpoint().getMethod() + " "
                        + parsed.getEndpoint().getPath());
            }
        }
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, Object> path : map(openApi.get("paths")).entrySet()) {
            for (String key : map(path.getValue()).keySet()) {
                if (OPERATIONS.contains(key)) {
                    documented.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }

        assertThat(registered)
                .as("routes registered by DemoWeb and DemoInsights")
                .contains("POST /flow/passkey", "GET /insights");
        assertThat(documented).as("operations in docs/openapi.yaml").isEqualTo(registered);
    }

    @Test
    @DisplayName("the contract is OpenAPI 3.1, every operation has responses and every $ref points at a component")
    void wellFormed() {
        assertThat(openApi.get("openapi")).isEqualTo("3.1.0");
        Map<String, Object> components = map(openApi.get("components"));
        for (Map.Entry<String, Object> path : map(openApi.get("paths")).entrySet()) {
            for (Map.Entry<String, Object> operation : map(path.getValue()).entrySet()) {
                assertThat(map(operation.getValue()))
                        .as(operation.getKey() + " " + path.getKey())
                        .containsKeys("operationId", "responses");
            }
        }
        List<String> refs = new ArrayList<>();
        collectRefs(openApi, refs);
        assertThat(refs).as("the contract uses references").isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/components/");
            String[] parts = ref.substring("#/components/".length()).split("/");
            assertThat(parts).as(ref).hasSize(2);
            assertThat(map(components.get(parts[0]))).as(ref).containsKey(parts[1]);
        }
        assertThat(map(components.get("schemas")))
                .as("the client payload is part of the contract")
                .containsKey("ClientPayload");
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof Map<?, ?> object) {
            for (Map.Entry<?, ?> entry : object.entrySet()) {
                if ("$ref".equals(entry.getKey())) {
                    refs.add(String.valueOf(entry.getValue()));
                } else {
                    collectRefs(entry.getValue(), refs);
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                collectRefs(item, refs);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static Path openApiFile() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("openapi.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/openapi.yaml not found above " + here);
    }
}
