package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.Filter;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/openapi-spring-starter.yaml lists exactly the routes {@link PasskeyFlowFilter} serves, each
 * answers with a status the file documents, and its references resolve, so the contract a client
 * author reads cannot drift from the starter.
 */
@SpringJUnitWebConfig(PasskeyFlowConfigurerTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080",
            "passkeyflow.completion-redirect=/home"
        })
@DisplayName("The starter's OpenAPI contract and PasskeyFlowFilter's routes")
class OpenApiStarterRoutesTest {

    private static final String BASE = "/passkeyflow";
    private static final Set<String> OPERATIONS = Set.of("get", "post", "put", "patch", "delete");
    private static final Pattern REF = Pattern.compile("\\$ref: '([^']*)'");

    private static Map<String, Object> contract;
    private static Map<String, Object> demoContract;
    private static String contractText;

    @Autowired
    WebApplicationContext context;

    @Autowired
    FilterChainProxy security;

    MockMvc mvc;

    @BeforeAll
    static void load() throws IOException {
        contractText = Files.readString(docs().resolve("openapi-spring-starter.yaml"));
        contract = yaml(docs().resolve("openapi-spring-starter.yaml"));
        demoContract = yaml(docs().resolve("openapi.yaml"));
    }

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .apply(springSecurity())
                .build();
    }

    @Test
    @DisplayName("every route the filter serves is documented, and every documented operation is a route")
    void sameRoutes() {
        Set<String> served = new TreeSet<>();
        for (String route : filter().routes()) {
            String[] methodAndPath = route.split(" ", 2);
            served.add(methodAndPath[0] + " /" + methodAndPath[1]);
        }
        assertThat(served).as("PasskeyFlowFilter's routes").contains("POST /start", "POST /autofill-passkey");
        assertThat(documented())
                .as("operations in docs/openapi-spring-starter.yaml")
                .isEqualTo(served);
    }

    @Test
    @DisplayName(
            "each documented operation is answered by the filter (not the rest of the chain) with a documented status")
    void documentedStatuses() throws Exception {
        List<String> undocumented = new ArrayList<>();
        for (String operation : documented()) {
            String[] methodAndPath = operation.split(" ", 2);
            MockHttpServletResponse response = perform(methodAndPath[0], BASE + methodAndPath[1]);
            assertThat(answeredByFilter(response))
                    .as(operation + " answered by the filter")
                    .isTrue();
            if (!responses(methodAndPath[0], methodAndPath[1]).contains(Integer.toString(response.getStatus()))) {
                undocumented.add(operation + " -> " + response.getStatus());
            }
        }
        assertThat(undocumented).as("statuses the contract does not list").isEmpty();
    }

    @Test
    @DisplayName("a path below the base path that is no route goes on down the chain (the check above can fail)")
    void notARoute() throws Exception {
        MockHttpServletResponse response = perform("POST", BASE + "/not-a-route");
        assertThat(answeredByFilter(response)).isFalse();
    }

    @Test
    @DisplayName("every $ref resolves: local ones in this file, the shared schemas in the demo's openapi.yaml")
    void referencesResolve() {
        Matcher matcher = REF.matcher(contractText);
        List<String> unresolved = new ArrayList<>();
        int count = 0;
        while (matcher.find()) {
            count++;
            String ref = matcher.group(1);
            int hash = ref.indexOf('#');
            Map<String, Object> target = ref.startsWith("#")
                    ? contract
                    : ref.substring(0, hash).equals("openapi.yaml") ? demoContract : Map.of();
            Object node = target;
            for (String part : List.of(ref.substring(hash + 2).split("/", -1))) {
                node = node instanceof Map<?, ?> map ? map.get(part) : null;
            }
            if (node == null) {
                unresolved.add(ref);
            }
        }
        assertThat(count).isGreaterThan(20);
        assertThat(unresolved).isEmpty();
    }

    private MockHttpServletResponse perform(String method, String path) throws Exception {
        MockHttpServletRequestBuilder request = method.equals("GET")
                ? get(path)
                : post(path).with(csrf()).contentType("application/json").content("{}");
        return mvc.perform(request.session(new MockHttpSession())).andReturn().getResponse();
    }

    /** The chain's own answer to an anonymous request is the form login's redirect. */
    private static boolean answeredByFilter(MockHttpServletResponse response) {
        String type = response.getContentType();
        return response.getStatus() != 302
                && type != null
                && (type.startsWith("application/json")
                        || type.startsWith("application/problem+json")
                        || type.startsWith("text/javascript"));
    }

    private PasskeyFlowFilter filter() {
        for (SecurityFilterChain chain : security.getFilterChains()) {
            for (Filter filter : chain.getFilters()) {
                if (filter instanceof PasskeyFlowFilter passkeyFlow) {
                    return passkeyFlow;
                }
            }
        }
        throw new AssertionError("no PasskeyFlowFilter in the security filter chains");
    }

    private static Set<String> documented() {
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, Object> path : map(contract.get("paths")).entrySet()) {
            for (String key : map(path.getValue()).keySet()) {
                if (OPERATIONS.contains(key)) {
                    documented.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return documented;
    }

    private static Set<String> responses(String method, String path) {
        Map<String, Object> operation =
                map(map(map(contract.get("paths")).get(path)).get(method.toLowerCase(Locale.ROOT)));
        return map(operation.get("responses")).keySet();
    }

    @SuppressWarnings("unchecked") // SnakeYAML's SafeConstructor builds maps with string keys for this file
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    private static Path docs() {
        Path here = Path.of("").toAbsolutePath();
        Path docs = here.resolveSibling("docs");
        return Files.isDirectory(docs) ? docs : here.resolve("docs");
    }
}
