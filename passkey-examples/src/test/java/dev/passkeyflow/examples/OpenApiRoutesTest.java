package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml lists exactly the routes the demo registers, so the contract cannot drift from the code. */
@DisplayName("The OpenAPI contract and the demo's routes")
class OpenApiRoutesTest {

    private static final Set<HandlerType> VERBS =
            Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern OPERATION = Pattern.compile("^    (get|post|put|patch|delete):\\s*$");

    private static DemoApp app;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        app = DemoApp.start(new DemoConfig("127.0.0.1", port, "jdbc:h2:mem:openapi-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", null, null, Path.of("target"), 4, DemoConfig.DEFAULT_CEREMONY_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    @DisplayName("every route the demo registers is documented, and every documented operation is a route")
    void sameRoutes() throws IOException {
        Set<String> registered = new TreeSet<>();
        for (ParsedEndpoint parsed : app.server().unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (VERBS.contains(parsed.getEndpoint().getMethod())) {
                registered.add(parsed.getEndpoint().getMethod() + " " + parsed.getEndpoint().getPath());
            }
        }
        Set<String> documented = documentedOperations(Files.readAllLines(openApiFile()));

        assertThat(registered).as("routes registered by DemoWeb and DemoInsights").contains("POST /flow/passkey",
                "GET /insights");
        assertThat(documented).as("operations in docs/openapi.yaml").isEqualTo(registered);
    }

    @Test
    @DisplayName("the reader of the paths section finds operations and stops at the components")
    void readerWorks() {
        List<String> yaml = List.of("openapi: 3.1.0", "paths:", "  /a:", "    get:", "      summary: x",
                "    post:", "  /b/c:", "    delete:", "components:", "  /not-a-path:", "    get:");
        assertThat(documentedOperations(yaml)).containsExactlyInAnyOrder("GET /a", "POST /a", "DELETE /b/c");
    }

    /** "VERB /path" for each operation under {@code paths:} (two-space paths, four-space verbs). */
    static Set<String> documentedOperations(List<String> lines) {
        Set<String> operations = new TreeSet<>();
        boolean inPaths = false;
        String path = null;
        for (String line : lines) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inPaths = line.startsWith("paths:");
                path = null;
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher p = PATH.matcher(line);
            if (p.matches()) {
                path = p.group(1);
                continue;
            }
            Matcher o = OPERATION.matcher(line);
            if (o.matches() && path != null) {
                operations.add(o.group(1).toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return operations;
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
