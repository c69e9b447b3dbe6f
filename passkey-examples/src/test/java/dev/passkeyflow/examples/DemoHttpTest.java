package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

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

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        app = DemoApp.start(new DemoConfig("127.0.0.1", port, "jdbc:h2:mem:http-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", null, null, Path.of("target"), 4, DemoConfig.DEFAULT_CEREMONY_TIMEOUT));
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    @DisplayName("sets the session and device cookies HttpOnly and SameSite=Lax, and a strict CSP")
    void cookieFlags() throws Exception {
        HttpResponse<String> page = get("/login");
        List<String> cookies = page.headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("pkf_session=").contains("HttpOnly")
                .contains("SameSite=Lax").doesNotContain("Max-Age"));
        assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("pkf_device=").contains("HttpOnly")
                .contains("SameSite=Lax").contains("Max-Age=34560000"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
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
        assertThat(started.headers().firstValue("Location")).contains("/flow");
        HttpResponse<String> step = get("/flow");
        assertThat(step.body()).contains("Enter your password");
        HttpResponse<String> wrong = post("/flow/password", "password=whatever1&_csrf=" + token);
        assertThat(wrong.headers().firstValue("Location")).contains("/flow");
        assertThat(get("/flow").body()).contains("That password is not right");
    }

    @Test
    @DisplayName("a ceremony result without a flow sends the page back to the start")
    void unknownFlow() throws Exception {
        String token = csrfToken(get("/login").body());
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/flow/passkey"))
                .header("Content-Type", "application/json").header("X-CSRF-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("\"redirect\":\"/login?expired=1\"");
        assertThat(get("/login?expired=1").body()).contains("That sign-in took too long. Please start again.");
    }

    @Test
    @DisplayName("the dashboard and adding a passkey need a signed-in session")
    void signedInOnly() throws Exception {
        assertThat(get("/dashboard").headers().firstValue("Location")).contains("/login");
        String token = csrfToken(get("/login").body());
        assertThat(post("/passkeys/add", "_csrf=" + token).headers().firstValue("Location")).contains("/login");
    }

    @Test
    @DisplayName("sign-up hashes the password, signs in and offers a first passkey")
    void signUp() throws Exception {
        String token = csrfToken(get("/signup").body());
        String identifier = "zoe-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = post("/signup", "identifier=" + URLEncoder.encode(identifier,
                StandardCharsets.UTF_8) + "&displayName=Zoe&password=long+enough+password&_csrf=" + token);
        assertThat(created.statusCode()).isEqualTo(303);
        String offer = get("/flow").body();
        // Sign-up adds a passkey by host enrolment (HealingKind.ENROLMENT): worded as adding one, not as healing.
        assertThat(offer).contains("Add a passkey on this device");
        assertThat(app.storage().credentials().findUserByIdentifier(identifier)).isPresent();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrfToken(String html) {
        Matcher matcher = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(html);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }
}
