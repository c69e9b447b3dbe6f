package dev.passkeyflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.web.ClientContextReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The browser client in headless Chromium: the module is served from its WebJar location in this
 * build's output, a test page imports it, and a scripted fake server on 127.0.0.1 (browsed as
 * {@code http://localhost:PORT}, a secure context) records what the client posts and answers what
 * each test queues. The WebAuthn ceremonies are real, against a virtual authenticator (CTAP2,
 * internal transport, resident keys, user verification); the fake server verifies nothing, so the
 * tests check what a real server would be given: the challenge it issued, the ceremony type, the
 * error name and the elapsed time.
 */
@DisplayName("passkeyflow-client.js in headless Chromium")
class ClientModuleChromiumTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, String> ENDPOINTS = Map.of(
            "passkey",
            "/api/passkey",
            "passkeyError",
            "/api/passkey-error",
            "immediateRejection",
            "/api/immediate",
            "healing",
            "/api/healing",
            "healingError",
            "/api/healing-error",
            "silentDeclined",
            "/api/silent-declined");

    private static HttpServer server;
    private static ChromeDriver driver;
    private static Path userDataDir;
    private static String base;

    /** What the client posted, in order. */
    private static final List<Posted> posted = new CopyOnWriteArrayList<>();
    /** Answers per path; without one the server answers {"redirect": "/next"}. */
    private static final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();

    private static VirtualAuthenticator authenticator;

    record Posted(String path, JsonNode body, String testHeader, String contentType) {}

    record Answer(int status, String json) {}

    @BeforeAll
    static void startServerAndBrowser() throws IOException {
        requireBrowser();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ClientModuleChromiumTest::handle);
        server.start();
        base = "http://localhost:" + server.getAddress().getPort();
        userDataDir = Files.createTempDirectory("passkeyflow-client-chrome");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(env("PASSKEYFLOW_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + userDataDir);
        driver = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(Path.of(env("PASSKEYFLOW_CHROMEDRIVER", "/usr/bin/chromedriver"))
                                .toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop(0);
        }
        if (userDataDir != null) {
            try (var files = Files.walk(userDataDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void freshPageAndAuthenticator() {
        posted.clear();
        answers.clear();
        driver.get(base + "/page");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> "yes".equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.ready")));
        js("localStorage.clear(); sessionStorage.clear(); delete window.passkeyflowTestHooks;");
        if (authenticator != null) {
            driver.removeVirtualAuthenticator(authenticator);
        }
        authenticator = driver.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
    }

    // ------------------------------------------------------------------ tests

    @Test
    @DisplayName(
            "collects capabilities, platform authenticator, conditional mediation, hints, device id and last login, which ClientContextReader reads back")
    void collectsClientContext() throws Exception {
        JsonNode payload = MAPPER.readTree((String) async("""
                pkf.rememberLastLogin('ann@example.com', 'cred-1');
                const first = await pkf.collectClientContext();
                const second = await pkf.collectClientContext();
                const withImmediate = (await pkf.collectClientContext({ immediateUiMode: true })).capabilities;
                done(JSON.stringify({ ...first, sameDevice: first.deviceId === second.deviceId, withImmediate }));"""));

        assertThat(payload.get("version").asText()).isEqualTo(System.getProperty("project.version", "0.1.0-SNAPSHOT"));
        assertThat(payload.get("deviceId").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(payload.get("sameDevice").asBoolean())
                .as("the device id is kept")
                .isTrue();
        assertThat(payload.get("userVerifyingPlatformAuthenticator").asBoolean())
                .isTrue();
        assertThat(payload.get("conditionalMediation").isBoolean()).isTrue();
        assertThat(payload.get("capabilities").size()).isGreaterThan(3);
        assertThat(payload.get("capabilities").has("immediateGet"))
                .as("only on request")
                .isFalse();
        assertThat(payload.get("withImmediate").has("immediateGet")).isTrue();
        assertThat(payload.get("hints").get("platform").asText()).isNotBlank();
        assertThat(payload.get("lastLogin").get("identifier").asText()).isEqualTo("ann@example.com");
        assertThat(payload.get("lastLogin").get("credentialId").asText()).isEqualTo("cred-1");
        System.out.println("passkeyflow-client: Chromium reports capabilities " + payload.get("capabilities"));

        ((com.fasterxml.jackson.databind.node.ObjectNode) payload).remove("withImmediate");
        ClientContext context = ClientContextReader.read(name -> null, MAPPER.writeValueAsString(payload), null);
        assertThat(context.canCreatePasskeyLocally()).isTrue();
        assertThat(context.deviceId()).isEqualTo(payload.get("deviceId").asText());
        assertThat(context.capabilities()).hasSize(payload.get("capabilities").size());
    }

    @Test
    @DisplayName(
            "a healing offer creates a passkey and posts it; an auto-start step signs in with it and posts the assertion for the issued challenge")
    void createThenAutoStart() throws Exception {
        String createChallenge = randomB64();
        JsonNode log = run(
                healingStep(createChallenge, List.of()), "await client.run(step); await client.createPasskey(step);");
        Posted created = single("/api/healing");
        assertThat(created.testHeader()).as("the configured headers are sent").isEqualTo("yes");
        assertThat(created.contentType()).startsWith("application/json");
        assertThat(clientData(created.body()).get("type").asText()).isEqualTo("webauthn.create");
        assertThat(clientData(created.body()).get("challenge").asText()).isEqualTo(createChallenge);
        assertThat(created.body().get("response").has("attestationObject")).isTrue();
        assertThat(types(log))
                .containsSubsequence("step", "offer", "ceremonystart", "ceremonysuccess", "redirect", "navigate");
        assertThat(authenticator.getCredentials()).hasSize(1);

        posted.clear();
        String getChallenge = randomB64();
        JsonNode login = run(passkeyStep(getChallenge, true, false, false), "await client.run(step);");
        Posted assertion = single("/api/passkey");
        assertThat(clientData(assertion.body()).get("type").asText()).isEqualTo("webauthn.get");
        assertThat(clientData(assertion.body()).get("challenge").asText()).isEqualTo(getChallenge);
        assertThat(assertion.body().get("id").asText())
                .isEqualTo(created.body().get("id").asText());
        assertThat(assertion.body().get("response").has("signature")).isTrue();
        assertThat(event(login, "ceremonystart").get("mode").asText()).isEqualTo("modal");
        assertThat(navigations(login)).containsExactly("/next");
    }

    @Test
    @DisplayName(
            "a silent offer runs a conditional create and emits no offer; Chromium leaves it pending, so after the wait {} goes to silentDeclined and the explicit offer it answers is run")
    void silentOfferDeclined() throws Exception {
        Map<String, Object> silent = healingStep(randomB64(), List.of());
        silent.put("silent", true);
        Map<String, Object> explicit = healingStep(randomB64(), List.of());
        explicit.put("silent", false);
        answers.computeIfAbsent("/api/silent-declined", k -> new ArrayDeque<>())
                .add(new Answer(200, json(Map.of("step", explicit))));

        JsonNode log = run(silent, "await client.run(step);");

        assertThat(posted)
                .extracting(Posted::path)
                .as("no healing, no healing-error")
                .containsExactly("/api/silent-declined");
        assertThat(single("/api/silent-declined").body().size()).isZero();
        JsonNode start = event(log, "ceremonystart");
        assertThat(start.get("ceremony").asText()).isEqualTo("create");
        assertThat(start.get("mode").asText()).isEqualTo("conditional");
        JsonNode error = event(log, "ceremonyerror");
        assertThat(error.get("mode").asText()).isEqualTo("conditional");
        System.out.println("passkeyflow-client: Chromium's conditional create ended with "
                + error.get("name").asText() + " after "
                + error.get("elapsedMillis").asLong() + " ms");
        assertThat(types(log)).containsSubsequence("step", "ceremonystart", "ceremonyerror", "step", "offer");
        assertThat(types(log)).filteredOn("offer"::equals).hasSize(1);
        assertThat(event(log, "offer").get("step").get("silent").asBoolean(true))
                .isFalse();
        assertThat(authenticator.getCredentials()).isEmpty();
    }

    @Test
    @DisplayName(
            "a silent offer's passkey, when the browser creates one, is posted to healing; without a silentDeclined endpoint a silent step is an ordinary offer")
    void silentOfferCreated() throws Exception {
        // Chromium's virtual authenticator never completes a conditional create: the page's create()
        // records what it was asked and creates the passkey as a modal request would.
        js("""
                const create = navigator.credentials.create.bind(navigator.credentials);
                window.createdWith = [];
                navigator.credentials.create = (options) => {
                  window.createdWith.push(options.mediation ?? null);
                  return create({ publicKey: options.publicKey });
                };""");
        String challenge = randomB64();
        Map<String, Object> silent = healingStep(challenge, List.of());
        silent.put("silent", true);

        JsonNode log = run(silent, "await client.run(step);");

        assertThat(js("return JSON.stringify(window.createdWith)")).isEqualTo("[\"conditional\"]");
        Posted created = single("/api/healing");
        assertThat(clientData(created.body()).get("challenge").asText()).isEqualTo(challenge);
        assertThat(posted).extracting(Posted::path).containsExactly("/api/healing");
        assertThat(event(log, "ceremonysuccess").get("mode").asText()).isEqualTo("conditional");
        assertThat(types(log)).doesNotContain("offer");
        assertThat(navigations(log)).containsExactly("/next");

        posted.clear();
        String withoutEndpoint = (String) async("""
                const client = makeClient({ healing: '/api/healing' });
                await client.run(%s);
                done(JSON.stringify(window.log));""".formatted(json(silent)));
        assertThat(types(MAPPER.readTree(withoutEndpoint))).contains("offer").doesNotContain("ceremonystart");
        assertThat(posted).isEmpty();
    }

    @Test
    @DisplayName(
            "a calm retry waits for the person even when the step says autoStart; a step without autoStart waits for the button")
    void calmRetryAndButtonWait() throws Exception {
        JsonNode calm = run(passkeyStep(randomB64(), true, true, false), "await client.run(step);");
        assertThat(event(calm, "waiting").get("reason").asText()).isEqualTo("calmRetry");
        assertThat(types(calm)).doesNotContain("ceremonystart");

        JsonNode button = run(passkeyStep(randomB64(), false, false, false), "await client.run(step);");
        assertThat(event(button, "waiting").get("reason").asText()).isEqualTo("button");
        assertThat(types(button)).doesNotContain("ceremonystart");
        assertThat(posted).isEmpty();
    }

    @Test
    @DisplayName(
            "a failed get() posts the DOMException name and the elapsed milliseconds, and the page hears it as an event")
    void reportsErrorNameAndElapsedTime() throws Exception {
        JsonNode log = run(passkeyStepFor(randomB64(), List.of(randomB64())), "await client.signIn(step);");

        Posted error = single("/api/passkey-error");
        assertThat(error.body().get("name").asText()).isEqualTo("NotAllowedError");
        assertThat(error.body().get("elapsedMillis").asLong()).isBetween(0L, 15_000L);
        JsonNode event = event(log, "ceremonyerror");
        assertThat(event.get("name").asText()).isEqualTo("NotAllowedError");
        assertThat(event.get("kind").asText()).isEqualTo("cancelled");
        assertThat(event.get("elapsedMillis").asLong())
                .isEqualTo(error.body().get("elapsedMillis").asLong());
    }

    @Test
    @DisplayName(
            "the test hook holds a NotAllowedError back like a real browser's dismissed sheet and reports that elapsed time")
    void testHookDelaysNotAllowedError() throws Exception {
        js("window.passkeyflowTestHooks = { notAllowedErrorAfterMillis: 1500 };");
        run(passkeyStepFor(randomB64(), List.of(randomB64())), "await client.signIn(step);");

        assertThat(single("/api/passkey-error").body().get("elapsedMillis").asLong())
                .isGreaterThanOrEqualTo(1495L);
    }

    @Test
    @DisplayName("an answer carrying the next step runs it in place: here the server's calm retry")
    void answerWithStep() throws Exception {
        answers.put(
                "/api/passkey-error",
                new ArrayDeque<>(List.of(new Answer(
                        200,
                        "{\"step\":" + MAPPER.writeValueAsString(passkeyStep(randomB64(), true, true, false)) + "}"))));
        JsonNode log = run(passkeyStepFor(randomB64(), List.of(randomB64())), "await client.signIn(step);");

        assertThat(types(log)).containsSubsequence("ceremonyerror", "step", "waiting");
        assertThat(navigations(log)).isEmpty();
    }

    @Test
    @DisplayName("an answer carrying an auto-start step starts its ceremony at once")
    void answerWithAutoStartStep() throws Exception {
        answers.put(
                "/api/passkey-error",
                new ArrayDeque<>(List.of(new Answer(
                        200,
                        "{\"step\":"
                                + MAPPER.writeValueAsString(passkeyStepFor(randomB64(), List.of(randomB64())))
                                        .replace("\"autoStart\":false", "\"autoStart\":true")
                                + "}"))));
        JsonNode log = run(passkeyStepFor(randomB64(), List.of(randomB64())), "await client.signIn(step);");

        assertThat(types(log).stream().filter("ceremonystart"::equals).count()).isEqualTo(2);
        assertThat(posted.stream()
                        .filter(p -> p.path().equals("/api/passkey-error"))
                        .count())
                .isEqualTo(2);
    }

    @Test
    @DisplayName(
            "a conditional request runs with mediation conditional; its failure is an event, never posted as a failed login; a modal sign-in then runs as usual")
    void conditionalRequest() throws Exception {
        JsonNode log = MAPPER.readTree((String) async("""
                const client = makeClient(%s);
                const conditional = client.startConditional(%s);
                await new Promise((resolve) => setTimeout(resolve, 300));
                await client.signIn(%s);
                const ran = await conditional;
                done(JSON.stringify({ ran, log: window.log }));""".formatted(
                        json(ENDPOINTS),
                        json(passkeyStep(randomB64(), false, false, false).get("publicKey")),
                        json(passkeyStepFor(randomB64(), List.of(randomB64()))))));

        assertThat(log.get("ran").asBoolean())
                .as("Chromium has conditional mediation")
                .isTrue();
        List<String> modes = new java.util.ArrayList<>();
        log.get("log").forEach(e -> {
            if (e.get("type").asText().startsWith("ceremony")) {
                modes.add(e.get("type").asText() + ":"
                        + e.get("detail").get("mode").asText());
            }
        });
        // Chromium's virtual authenticator rejects a conditional request at once when nothing is offered in
        // autofill; whether it is still pending or already rejected, the modal sign-in runs.
        assertThat(modes)
                .startsWith("ceremonystart:conditional")
                .endsWith("ceremonystart:modal", "ceremonyerror:modal");
        assertThat(posted).extracting(Posted::path).containsExactly("/api/passkey-error");
        assertThat(single("/api/passkey-error").body().get("name").asText()).isEqualTo("NotAllowedError");
    }

    @Test
    @DisplayName("an error answer becomes a servererror event with the server's message")
    void serverError() throws Exception {
        answers.put(
                "/api/passkey-error",
                new ArrayDeque<>(List.of(new Answer(400, "{\"error\":\"The browser sent something unexpected.\"}"))));
        JsonNode log = run(passkeyStepFor(randomB64(), List.of(randomB64())), "await client.signIn(step);");

        JsonNode error = event(log, "servererror");
        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.get("message").asText()).isEqualTo("The browser sent something unexpected.");
        assertThat((Boolean) js("return window.client.busy")).isFalse();
    }

    @Test
    @DisplayName(
            "create() refused because an excluded passkey is on the authenticator posts InvalidStateError to the healing error endpoint")
    void invalidStateError() throws Exception {
        run(healingStep(randomB64(), List.of()), "await client.createPasskey(step);");
        String existing = single("/api/healing").body().get("id").asText();
        posted.clear();

        JsonNode log = run(healingStep(randomB64(), List.of(existing)), "await client.createPasskey(step);");

        assertThat(single("/api/healing-error").body().get("name").asText()).isEqualTo("InvalidStateError");
        assertThat(event(log, "ceremonyerror").get("kind").asText()).isEqualTo("exists");
    }

    @Test
    @DisplayName(
            "an immediate step started by a click runs get() in immediate UI mode and reports a NotAllowedError to the immediate-rejection endpoint")
    void immediateModeWithinAClick() throws Exception {
        async("""
                const client = makeClient(%s);
                const step = %s;
                const button = document.createElement('button');
                button.id = 'start';
                button.textContent = 'start';
                button.addEventListener('click', () => { window.finished = client.run(step).then(() => 'done'); });
                document.body.appendChild(button);
                done('ok');""".formatted(json(ENDPOINTS), json(passkeyStep(randomB64(), true, false, true))));
        driver.findElement(org.openqa.selenium.By.id("start")).click();
        JsonNode log = MAPPER.readTree((String) async("await window.finished; done(JSON.stringify(window.log));"));

        assertThat(event(log, "ceremonystart").get("mode").asText()).isEqualTo("immediate");
        Posted rejection = single("/api/immediate");
        assertThat(rejection.body().get("elapsedMillis").asLong()).isGreaterThanOrEqualTo(0L);
        assertThat(posted).extracting(Posted::path).doesNotContain("/api/passkey-error");
    }

    @Test
    @DisplayName(
            "an immediate step started by a click with the passkey on the authenticator signs in without a rejection")
    void immediateModeWithPasskeyPresent() throws Exception {
        run(healingStep(randomB64(), List.of()), "await client.createPasskey(step);");
        posted.clear();
        String challenge = randomB64();
        async("""
                const client = makeClient(%s);
                const step = %s;
                const button = document.createElement('button');
                button.id = 'start';
                button.textContent = 'start';
                button.addEventListener('click', () => { window.finished = client.run(step).then(() => 'done'); });
                document.body.appendChild(button);
                done('ok');""".formatted(json(ENDPOINTS), json(passkeyStep(challenge, true, false, true))));
        driver.findElement(org.openqa.selenium.By.id("start")).click();
        JsonNode log = MAPPER.readTree((String) async("await window.finished; done(JSON.stringify(window.log));"));

        assertThat(event(log, "ceremonystart").get("mode").asText()).isEqualTo("immediate");
        assertThat(posted).extracting(Posted::path).containsExactly("/api/passkey");
        assertThat(clientData(single("/api/passkey").body()).get("challenge").asText())
                .isEqualTo(challenge);
    }

    @Test
    @DisplayName(
            "an immediate step that lists the account's passkey in allowCredentials signs in with it (Chromium rejects immediate UI mode with a list)")
    void immediateModeWithAllowCredentials() throws Exception {
        run(healingStep(randomB64(), List.of()), "await client.createPasskey(step);");
        String id = single("/api/healing").body().get("id").asText();
        posted.clear();
        String challenge = randomB64();
        Map<String, Object> step = passkeyStepFor(challenge, List.of(id));
        step.put("immediate", true);
        async("""
                const client = makeClient(%s);
                const step = %s;
                const button = document.createElement('button');
                button.id = 'start';
                button.textContent = 'start';
                button.addEventListener('click', () => { window.finished = client.run(step).then(() => 'done'); });
                document.body.appendChild(button);
                done('ok');""".formatted(json(ENDPOINTS), json(step)));
        driver.findElement(org.openqa.selenium.By.id("start")).click();
        JsonNode log = MAPPER.readTree((String) async("await window.finished; done(JSON.stringify(window.log));"));

        assertThat(event(log, "ceremonystart").get("mode").asText()).isEqualTo("immediate");
        assertThat(posted).extracting(Posted::path).containsExactly("/api/passkey");
        assertThat(single("/api/passkey").body().get("id").asText()).isEqualTo(id);
        assertThat(clientData(single("/api/passkey").body()).get("challenge").asText())
                .isEqualTo(challenge);
    }

    @Test
    @DisplayName(
            "an immediate step without a click's activation runs as a modal get() and reports as one, so a present passkey still signs in")
    void immediateModeWithoutActivationIsModal() throws Exception {
        run(healingStep(randomB64(), List.of()), "await client.createPasskey(step);");
        posted.clear();

        JsonNode log = run(passkeyStep(randomB64(), true, false, true), "await client.run(step);");

        assertThat(event(log, "ceremonystart").get("mode").asText()).isEqualTo("modal");
        assertThat(clientData(single("/api/passkey").body()).get("type").asText())
                .isEqualTo("webauthn.get");
        assertThat(posted).extracting(Posted::path).doesNotContain("/api/immediate");
    }

    @Test
    @DisplayName(
            "signals are made when supported: signalUnknownCredential makes the authenticator drop the passkey; unknown methods are ignored")
    void signals() throws Exception {
        run(healingStep(randomB64(), List.of()), "await client.createPasskey(step);");
        String id = single("/api/healing").body().get("id").asText();
        assertThat(authenticator.getCredentials()).hasSize(1);

        JsonNode results = MAPPER.readTree((String) async("""
                done(JSON.stringify(pkf.performSignals([
                  { method: 'signalUnknownCredential', options: { rpId: 'localhost', credentialId: '%s' } },
                  { method: 'alert', options: {} }])));""".formatted(id)));

        assertThat(results.get(0).get("status").asText()).isEqualTo("made");
        assertThat(results.get(1).get("status").asText()).isEqualTo("ignored");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> authenticator.getCredentials().isEmpty());
    }

    @Test
    @DisplayName(
            "works without parseRequestOptionsFromJSON / parseCreationOptionsFromJSON and with LoginFlow's {publicKey} wrapper")
    void fallbacksAndWrapper() throws Exception {
        js(
                "delete PublicKeyCredential.parseRequestOptionsFromJSON; delete PublicKeyCredential.parseCreationOptionsFromJSON;"
                        + "PublicKeyCredential.parseRequestOptionsFromJSON = undefined; PublicKeyCredential.parseCreationOptionsFromJSON = undefined;");
        Map<String, Object> offer = healingStep(randomB64(), List.of());
        offer.put("publicKey", Map.of("publicKey", offer.get("publicKey")));
        run(offer, "await client.createPasskey(step);");
        assertThat(clientData(single("/api/healing").body()).get("type").asText())
                .isEqualTo("webauthn.create");
        posted.clear();

        String challenge = randomB64();
        Map<String, Object> step = passkeyStep(challenge, true, false, false);
        step.put("publicKey", Map.of("publicKey", step.get("publicKey")));
        run(step, "await client.run(step);");
        assertThat(clientData(single("/api/passkey").body()).get("challenge").asText())
                .isEqualTo(challenge);
    }

    @Test
    @DisplayName(
            "endpoints are the page's: posts go to the URLs given, an unknown endpoint name is refused, a missing one is named")
    void configurableEndpoints() {
        Object custom = async("""
                const client = makeClient({ passkeyError: '/api/custom/errors' });
                await client.signIn(%s);
                done('ok');""".formatted(json(passkeyStepFor(randomB64(), List.of(randomB64())))));
        assertThat(custom).isEqualTo("ok");
        assertThat(single("/api/custom/errors").body().get("name").asText()).isEqualTo("NotAllowedError");

        assertThatThrownBy(() -> js("new pkf.PasskeyFlowClient({ endpoints: { login: '/x' } })"))
                .isInstanceOf(JavascriptException.class)
                .hasMessageContaining("unknown endpoint 'login'");
        Object missing = async("""
                try { makeClient({}).endpoint('healing'); done('no error'); } catch (e) { done(e.message); }""");
        assertThat(missing).isEqualTo("passkeyflow: no 'healing' endpoint configured");
    }

    @Test
    @DisplayName(
            "attachClientContext puts the measured payload into the form's hidden field and remembers the identifier")
    void formAttachment() throws Exception {
        async("pkf.attachClientContext(document.getElementById('login')); done('ok');");
        driver.findElement(org.openqa.selenium.By.id("go")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> posted.stream().anyMatch(p -> p.path().equals("/api/form")));
        Posted form = single("/api/form");
        JsonNode client = MAPPER.readTree(form.body().get("client").asText());
        assertThat(client.get("userVerifyingPlatformAuthenticator").asBoolean()).isTrue();
        assertThat(form.body().get("identifier").asText()).isEqualTo("ann@example.com");
        driver.get(base + "/page");
        assertThat(js("return localStorage.getItem('passkeyflow.lastLogin')").toString())
                .contains("ann@example.com");
    }

    @Test
    @DisplayName("the module's VERSION, package.json and the WebJar directory agree")
    void versionsAgree() throws Exception {
        String version = ClientAsset.version();
        assertThat(js("return window.pkf.VERSION")).isEqualTo(version);
        JsonNode packageJson = MAPPER.readTree(Files.readString(Path.of("package.json")));
        assertThat(packageJson.get("version").asText()).isEqualTo(version);
        assertThat(packageJson.get("exports").get(".").get("types").asText()).isEqualTo("./passkeyflow-client.d.ts");
        assertThat(ClientAsset.webjarPath())
                .isEqualTo("/webjars/passkeyflow-client/" + version + "/passkeyflow-client.js");
        assertThat(getClass()
                        .getClassLoader()
                        .getResource("META-INF/resources/webjars/passkeyflow-client/" + version
                                + "/passkeyflow-client.d.ts"))
                .isNotNull();
    }

    // ------------------------------------------------------------------ steps the fake server hands out

    private static Map<String, Object> passkeyStep(
            String challenge, boolean autoStart, boolean calmRetry, boolean immediate) {
        return new java.util.LinkedHashMap<>(Map.of(
                "type",
                "passkey",
                "publicKey",
                Map.of(
                        "challenge",
                        challenge,
                        "rpId",
                        "localhost",
                        "timeout",
                        20000,
                        "userVerification",
                        "required",
                        "allowCredentials",
                        List.of()),
                "autoStart",
                autoStart,
                "calmRetry",
                calmRetry,
                "immediate",
                immediate,
                "attempt",
                calmRetry ? 2 : 1,
                "signals",
                List.of()));
    }

    /** A modal passkey step allowing only these credential ids (unknown ones make get() fail at once). */
    private static Map<String, Object> passkeyStepFor(String challenge, List<String> allowed) {
        Map<String, Object> step = passkeyStep(challenge, false, false, false);
        step.put(
                "publicKey",
                Map.of(
                        "challenge",
                        challenge,
                        "rpId",
                        "localhost",
                        "timeout",
                        20000,
                        "userVerification",
                        "required",
                        "allowCredentials",
                        allowed.stream()
                                .map(id -> Map.of("type", "public-key", "id", id))
                                .toList()));
        return step;
    }

    private static Map<String, Object> healingStep(String challenge, List<String> exclude) {
        return new java.util.LinkedHashMap<>(Map.of(
                "type",
                "healing",
                "kind",
                "AFTER_ERROR",
                "signals",
                List.of(),
                "publicKey",
                Map.of(
                        "rp", Map.of("id", "localhost", "name", "client test"),
                        "user", Map.of("id", randomB64(), "name", "ann@example.com", "displayName", "Ann"),
                        "challenge", challenge,
                        "pubKeyCredParams", List.of(Map.of("type", "public-key", "alg", -7)),
                        "timeout", 20000,
                        "authenticatorSelection", Map.of("residentKey", "required", "userVerification", "required"),
                        "excludeCredentials",
                                exclude.stream()
                                        .map(id -> Map.of("type", "public-key", "id", id))
                                        .toList(),
                        "attestation", "none")));
    }

    // ------------------------------------------------------------------ driving the page

    /** Makes a client with the standard endpoints, runs the script with {@code step}, returns the event log. */
    private JsonNode run(Map<String, Object> step, String script) throws IOException {
        String log = (String) async("""
                const client = makeClient(%s);
                const step = %s;
                %s
                done(JSON.stringify(window.log));""".formatted(json(ENDPOINTS), json(step), script));
        return MAPPER.readTree(log);
    }

    private static Object async(String body) {
        return ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => { %s })().catch((e) => done('script failed: ' + e));""".formatted(body));
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> types(JsonNode log) {
        List<String> out = new java.util.ArrayList<>();
        log.forEach(e -> out.add(e.get("type").asText()));
        return out;
    }

    private static List<String> navigations(JsonNode log) {
        List<String> out = new java.util.ArrayList<>();
        log.forEach(e -> {
            if ("navigate".equals(e.get("type").asText())) {
                out.add(e.get("url").asText());
            }
        });
        return out;
    }

    /** The detail of the first event of this type, or null. */
    private static JsonNode event(JsonNode log, String type) {
        for (JsonNode e : log) {
            if (type.equals(e.get("type").asText())) {
                return "navigate".equals(type) ? e : e.get("detail");
            }
        }
        return null;
    }

    private static Posted single(String path) {
        List<Posted> matching =
                posted.stream().filter(p -> p.path().equals(path)).toList();
        assertThat(matching).as("posts to " + path + " among " + posted).hasSize(1);
        return matching.get(0);
    }

    private static JsonNode clientData(JsonNode credential) throws IOException {
        return MAPPER.readTree(Base64.getUrlDecoder()
                .decode(credential.get("response").get("clientDataJSON").asText()));
    }

    private static String randomB64() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ------------------------------------------------------------------ the fake server

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/page")) {
                String page = resource("client-test/page.html").replace("__MODULE__", ClientAsset.webjarPath());
                send(exchange, 200, "text/html; charset=utf-8", page);
            } else if ("GET".equals(exchange.getRequestMethod()) && path.startsWith("/webjars/")) {
                InputStream in = ClientModuleChromiumTest.class
                        .getClassLoader()
                        .getResourceAsStream("META-INF/resources" + path);
                if (in == null) {
                    send(exchange, 404, "text/plain", "not found");
                } else {
                    try (in) {
                        send(
                                exchange,
                                200,
                                "text/javascript; charset=utf-8",
                                new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            } else if ("POST".equals(exchange.getRequestMethod()) && path.equals("/api/form")) {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> fields = new java.util.LinkedHashMap<>();
                for (String pair : form.split("&", -1)) {
                    String[] kv = pair.split("=", 2);
                    fields.put(
                            java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
                posted.add(new Posted(
                        path,
                        MAPPER.valueToTree(fields),
                        null,
                        exchange.getRequestHeaders().getFirst("Content-Type")));
                send(exchange, 200, "text/html; charset=utf-8", "<!doctype html><p>posted</p>");
            } else if ("POST".equals(exchange.getRequestMethod()) && path.startsWith("/api/")) {
                JsonNode body = MAPPER.readTree(exchange.getRequestBody());
                posted.add(new Posted(
                        path,
                        body,
                        exchange.getRequestHeaders().getFirst("X-Test"),
                        exchange.getRequestHeaders().getFirst("Content-Type")));
                Deque<Answer> queued = answers.get(path);
                Answer answer = queued == null || queued.isEmpty()
                        ? new Answer(200, "{\"redirect\":\"/next\"}")
                        : queued.poll();
                send(exchange, answer.status(), "application/json", answer.json());
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ClientModuleChromiumTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ the browser

    private static void requireBrowser() {
        Path chromium = Path.of(env("PASSKEYFLOW_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(env("PASSKEYFLOW_CHROMEDRIVER", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
        String message = "the client's browser tests need Chromium at " + chromium + " and ChromeDriver at "
                + chromedriver + " (set PASSKEYFLOW_CHROMIUM / PASSKEYFLOW_CHROMEDRIVER, or run scripts/test)";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + message);
        }
        assumeTrue(present, "skipped: " + message);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
