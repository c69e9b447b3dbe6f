package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.intelligence.AutoHealingPolicy;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo's HTTP behaviour without a browser: cookies, CSRF, error mapping. */
@DisplayName("The demo over plain HTTP")
class DemoHttpTest {

    private static DemoApp app;
    private static String base;
    private static int port;

    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        app = DemoApp.start(new DemoConfig(
                "127.0.0.1",
                port,
                "jdbc:h2:mem:http-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                null,
                null,
                Path.of("target"),
                4,
                DemoConfig.DEFAULT_CEREMONY_TIMEOUT));
        // localhost resolves to 127.0.0.1 first (java.net.preferIPv6Addresses is false by default).
        base = "http://localhost:" + port;
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    @DisplayName(
            "the demo keeps the library's default policy (fall back at once when the passkey is evidently gone), so a copy of it does too")
    void advisorKeepsTheDefaultPolicy() {
        Clock clock = Clock.systemUTC();
        assertThat(DemoApp.advisor(
                        new InMemoryCredentialRepository(), new InMemoryLoginAttemptRepository(clock), event -> {}))
                .isInstanceOfSatisfying(PasskeyIntelligence.class, intelligence -> {
                    assertThat(intelligence.policy().fallBackAtOnceWhenPasskeyAbsent())
                            .isEqualTo(AutoHealingPolicy.DEFAULT_FALL_BACK_AT_ONCE_WHEN_PASSKEY_ABSENT)
                            .isTrue();
                    assertThat(intelligence.policy())
                            .hasToString(AutoHealingPolicy.ofDefaults().toString());
                });
    }

    @Test
    @DisplayName("sets the session and device cookies HttpOnly and SameSite=Lax, and a strict CSP")
    void cookieFlags() throws Exception {
        HttpResponse<String> page = get("/login");
        List<String> cookies = page.headers().allValues("Set-Cookie");
        assertThat(cookies)
                .anySatisfy(c -> assertThat(c)
                        .startsWith("pkf_session=")
                        .contains("HttpOnly")
                        .contains("SameSite=Lax")
                        .doesNotContain("Max-Age"));
        assertThat(cookies)
                .anySatisfy(c -> assertThat(c)
                        .startsWith("pkf_device=")
                        .contains("HttpOnly")
                        .contains("SameSite=Lax")
                        .contains("Max-Age=34560000"));
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("script-src 'self'");
    }

    @Test
    @DisplayName("rejects a POST without the session's CSRF token")
    void csrf() throws Exception {
        get("/login");
        HttpResponse<String> without = post("/login", "identifier=a%40example.com");
        HttpResponse<String> wrong = post("/login", "identifier=a%40example.com&_csrf=not-the-token");
        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("an unknown identifier gets the password step, and a wrong password says so")
    void unknownIdentifier() throws Exception {
        String token = csrfToken(get("/login").body());
        HttpResponse<String> started = post("/login", "identifier=nobody%40example.com&_csrf=" + token);
        assertThat(started.statusCode()).isEqualTo(303);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/flow?f=");
        HttpResponse<String> step = get(location);
        assertThat(step.body()).contains("Enter your password");
        String key = location.substring("/flow?f=".length());
        HttpResponse<String> wrong = post("/flow/password", "password=whatever1&f=" + key + "&_csrf=" + token);
        assertThat(wrong.headers().firstValue("Location")).contains(location);
        String again = get(location).body();
        assertThat(again).contains("That password is not right");
        // A visible (read-only) username field, so that password managers fill and save the right account.
        assertThat(again)
                .containsPattern("<input id=\"username\" name=\"username\" type=\"text\" "
                        + "autocomplete=\"username\" value=\"nobody@example.com\" readonly>");
        assertThat(again).contains("role=\"alert\"");
    }

    @Test
    @DisplayName("a ceremony result without a flow sends the page back to the start")
    void unknownFlow() throws Exception {
        String token = csrfToken(get("/login").body());
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(base + "/flow/passkey"))
                        .header("Content-Type", "application/json")
                        .header("X-CSRF-Token", token)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("\"redirect\":\"/login?expired=1\"");
        assertThat(get("/login?expired=1").body()).contains("That sign-in took too long. Please start again.");
    }

    @Test
    @DisplayName("the dashboard and adding a passkey need a signed-in session")
    void signedInOnly() throws Exception {
        assertThat(get("/dashboard").headers().firstValue("Location")).contains("/login");
        String token = csrfToken(get("/login").body());
        assertThat(post("/passkeys/add", "_csrf=" + token).headers().firstValue("Location"))
                .contains("/login");
    }

    @Test
    @DisplayName("sign-up hashes the password, signs in and offers a first passkey")
    void signUp() throws Exception {
        String token = csrfToken(get("/signup").body());
        String identifier = "zoe-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = post(
                "/signup",
                "identifier=" + URLEncoder.encode(identifier, StandardCharsets.UTF_8)
                        + "&displayName=Zoe&password=long+enough+password&_csrf=" + token);
        assertThat(created.statusCode()).isEqualTo(303);
        String offer =
                get(created.headers().firstValue("Location").orElseThrow()).body();
        // Sign-up adds a passkey by host enrolment (HealingKind.ENROLMENT): worded as adding one, not as healing.
        assertThat(offer).contains("Add a passkey on this device");
        assertThat(app.storage().credentials().findUserByIdentifier(identifier)).isPresent();
    }

    @Test
    @DisplayName(
            "a page opened at 127.0.0.1 is sent to http://localhost:PORT, and a form posted there is refused with a clear message")
    void loopbackAddressGoesToLocalhost() throws Exception {
        HttpResponse<String> page = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login?x=1"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains("http://localhost:" + port + "/login?x=1");

        HttpResponse<String> posted = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("identifier=a"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(421);
        assertThat(posted.body())
                .contains("Open the demo at")
                .contains("http://localhost:" + port)
                .contains("127.0.0.1 the browser refuses every passkey");
    }

    @Test
    @DisplayName("a port in use stops the start with a message that names --port")
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DemoConfig config = new DemoConfig(
                    "127.0.0.1",
                    taken.getLocalPort(),
                    "jdbc:h2:mem:port-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    null,
                    null,
                    Path.of("target"),
                    4,
                    DemoConfig.DEFAULT_CEREMONY_TIMEOUT);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoApp.start(config))
                    .isInstanceOf(DemoApp.PortInUseException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is already in use by another program. Stop that "
                            + "program, or start the demo on another port: scripts/demo --port="
                            + (taken.getLocalPort() + 1));
        }
    }

    @Test
    @DisplayName("every page links the browser client from its WebJar, and the WebJar serves it as JavaScript")
    void clientFromWebJar() throws Exception {
        String page = get("/login").body();
        String path = dev.passkeyflow.client.ClientAsset.webjarPath();
        assertThat(page)
                .contains("<meta name=\"passkeyflow-client\" content=\"" + path + "\">")
                .contains("<script type=\"module\" src=\"/static/demo.js\"></script>")
                .doesNotContain("passkeyflow.js\"");
        HttpResponse<String> module = get(path);
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("Content-Type")).get().asString().contains("javascript");
        assertThat(module.body()).contains("export class PasskeyFlowClient");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String csrfToken(String html) {
        Matcher matcher =
                Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(html);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }
}
