package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;

/**
 * The silent passkey upgrade (conditional create) through the starter: the {@code silent} member of
 * a healing step, {@code POST silent-declined}, and a silent registration finished by its own flow.
 * The same application and properties as {@link PasskeyFlowAttackTest}, so the context is shared.
 */
@SpringJUnitWebConfig(PasskeyFlowConfigurerTest.App.class)
@TestPropertySource(
        properties = {
            "passkeyflow.rp-id=localhost",
            "passkeyflow.rp-name=Test",
            "passkeyflow.origins=http://localhost:8080",
            "passkeyflow.throttle.max-failures-per-identifier=3",
            "passkeyflow.completion-redirect=/home"
        })
@DisplayName("Silent passkey upgrade (conditional create) through the starter (MockMvc)")
class PasskeyFlowSilentUpgradeTest extends StarterMvcTestSupport {

    static final String PASSWORD = "the user's own password";
    static final String ORIGIN = PasskeyFlowConfigurerTest.ORIGIN;
    /** A browser whose getClientCapabilities() says conditionalCreate. */
    static final String CONDITIONAL_CREATE = "{\"userVerifyingPlatformAuthenticator\":true,\"capabilities\":"
            + "{\"passkeyPlatformAuthenticator\":true,\"hybridTransport\":true,\"conditionalCreate\":true}}";

    @Autowired
    JdbcStorage storage;

    String user;
    Bytes handle;

    @BeforeEach
    void setUp() {
        user = "silent-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        users.createUser(User.withUsername(user)
                .password(encoder.encode(PASSWORD))
                .roles("USER")
                .build());
        handle = Bytes.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        storage.credentials().saveUser(new UserAccount(handle, user, user));
    }

    @Test
    @DisplayName(
            "a password login from a client that reports conditionalCreate gets a silent offer; one that does not gets an explicit one")
    void silentOffer() throws Exception {
        JsonNode silent = passwordLogin(new MockHttpSession(), CONDITIONAL_CREATE);
        JsonNode explicit = passwordLogin(new MockHttpSession(), PasskeyFlowConfigurerTest.CLIENT);

        assertThat(silent.path("type").asText()).isEqualTo("healing");
        assertThat(silent.path("silent").isBoolean()).isTrue();
        assertThat(silent.path("silent").asBoolean()).isTrue();
        assertThat(silent.path("publicKey").path("challenge").asText()).isNotEmpty();
        assertThat(explicit.path("type").asText()).isEqualTo("healing");
        assertThat(explicit.path("silent").asBoolean(true)).isFalse();
    }

    @Test
    @DisplayName(
            "silent-declined answers the explicit offer with a fresh challenge, which creates the passkey and signs the user in")
    void declinedGivesExplicitOffer() throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode silent = passwordLogin(session, CONDITIONAL_CREATE);

        JsonNode offer = call(session, post("/passkeyflow/silent-declined"), 200);

        assertThat(offer.path("type").asText()).isEqualTo("healing");
        assertThat(offer.path("silent").asBoolean(true)).isFalse();
        assertThat(offer.path("kind").asText()).isEqualTo(silent.path("kind").asText());
        assertThat(offer.path("publicKey").path("challenge").asText())
                .isNotEqualTo(silent.path("publicKey").path("challenge").asText());
        assertThat(signedIn(session))
                .as("nobody is signed in while the offer is open")
                .isNull();
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        JsonNode done = call(session, post("/passkeyflow/healing").content(authenticator.register(wrap(offer))), 200);
        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(done.path("healing").asText()).isEqualTo("HEALED");
        assertThat(done.path("redirect").asText()).isEqualTo("/home");
        assertThat(signedIn(session)).isEqualTo(user);
        assertThat(storage.credentials().listCredentials(handle)).hasSize(1);
        // Declined once: a second call has no silent offer to decline.
        JsonNode again = call(session, post("/passkeyflow/silent-declined"), 404);
        assertThat(again.path("reason").asText()).isEqualTo("UNKNOWN_FLOW");
    }

    @Test
    @DisplayName(
            "the silent offer's own challenge is single-use once declined: a silent registration over it is refused")
    void declinedSilentChallengeIsDead() throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode silent = passwordLogin(session, CONDITIONAL_CREATE);
        call(session, post("/passkeyflow/silent-declined"), 200);

        String late = SoftwareAuthenticator.forOrigin(ORIGIN).registerWithoutUserPresence(wrap(silent));
        JsonNode step = call(session, post("/passkeyflow/healing").content(late), 200);

        // The password login stands; the healing failed and nothing was stored.
        assertThat(step.path("type").asText()).isEqualTo("completed");
        assertThat(step.path("healing").asText()).isEqualTo("FAILED");
        assertThat(storage.credentials().listCredentials(handle)).isEmpty();
    }

    @Test
    @DisplayName("silent-declined refuses a POST without the CSRF token (403) and leaves the silent offer pending")
    void csrfRefused() throws Exception {
        MockHttpSession session = new MockHttpSession();
        passwordLogin(session, CONDITIONAL_CREATE);
        Object flow = session.getAttribute(FlowSession.FLOW_ID);

        MockHttpServletResponse response = mvc.perform(post("/passkeyflow/silent-declined")
                        .session(session)
                        .contentType("application/json")
                        .header("Origin", ORIGIN)
                        .content("{}"))
                .andReturn()
                .getResponse();

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isEqualTo(flow);
        JsonNode offer = call(session, post("/passkeyflow/silent-declined"), 200);
        assertThat(offer.path("silent").asBoolean(true))
                .as("the silent offer was still pending")
                .isFalse();
    }

    @Test
    @DisplayName(
            "silent-declined with no flow in the session is 404 UNKNOWN_FLOW, and a flow id in the body is not read")
    void noFlowInSession() throws Exception {
        MockHttpSession victim = new MockHttpSession();
        passwordLogin(victim, CONDITIONAL_CREATE);
        Object flow = victim.getAttribute(FlowSession.FLOW_ID);
        assertThat(flow).isInstanceOf(FlowSession.Current.class);
        String flowId = ((FlowSession.Current) flow).flowId();

        MockHttpSession other = new MockHttpSession();
        JsonNode refused =
                call(other, post("/passkeyflow/silent-declined").content("{\"flowId\":\"" + flowId + "\"}"), 404);

        assertThat(refused.path("reason").asText()).isEqualTo("UNKNOWN_FLOW");
        assertThat(refused.toString()).doesNotContain(flowId);
        JsonNode offer = call(victim, post("/passkeyflow/silent-declined"), 200);
        assertThat(offer.path("type").asText())
                .as("the victim's silent offer is untouched")
                .isEqualTo("healing");
    }

    @Test
    @DisplayName("silent-declined before the password is right is 409 ILLEGAL_TRANSITION: there is no silent offer yet")
    void notBeforeThePassword() throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode fallback = call(session, post("/passkeyflow/start").content(startBody(CONDITIONAL_CREATE)), 200);
        assertThat(fallback.path("type").asText()).isEqualTo("fallback");

        JsonNode refused = call(session, post("/passkeyflow/silent-declined"), 409);

        assertThat(refused.path("reason").asText()).isEqualTo("ILLEGAL_TRANSITION");
        JsonNode offer = call(session, post("/passkeyflow/password").content(passwordBody()), 200);
        assertThat(offer.path("silent").asBoolean())
                .as("the flow went on as before")
                .isTrue();
    }

    @Test
    @DisplayName("a silent registration (UP=0) finished by the same flow signs the user in and stores the passkey")
    void silentRegistration() throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode silent = passwordLogin(session, CONDITIONAL_CREATE);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);

        JsonNode done = call(
                session,
                post("/passkeyflow/healing").content(authenticator.registerWithoutUserPresence(wrap(silent))),
                200);

        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(done.path("healing").asText()).isEqualTo("HEALED");
        assertThat(signedIn(session)).isEqualTo(user);
        assertThat(storage.credentials().listCredentials(handle)).hasSize(1);
        // The stored passkey works: a passkey login with it signs the user in.
        MockHttpSession next = new MockHttpSession();
        JsonNode challenge = call(next, post("/passkeyflow/start").content(startBody(CONDITIONAL_CREATE)), 200);
        assertThat(challenge.path("type").asText()).isEqualTo("passkey");
        JsonNode login =
                call(next, post("/passkeyflow/passkey").content(authenticator.authenticate(wrap(challenge))), 200);
        assertThat(login.path("type").asText()).isEqualTo("completed");
        assertThat(signedIn(next)).isEqualTo(user);
    }

    @Test
    @DisplayName("a UP=0 registration is refused for an explicit offer: only a silent offer of this flow accepts one")
    void noSilentRegistrationForAnExplicitOffer() throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode explicit = passwordLogin(session, PasskeyFlowConfigurerTest.CLIENT);
        assertThat(explicit.path("silent").asBoolean(true)).isFalse();

        String silent = SoftwareAuthenticator.forOrigin(ORIGIN).registerWithoutUserPresence(wrap(explicit));
        JsonNode step = call(session, post("/passkeyflow/healing").content(silent), 200);

        // The password login stands; the healing failed and nothing was stored.
        assertThat(step.path("type").asText()).isEqualTo("completed");
        assertThat(step.path("healing").asText()).isEqualTo("FAILED");
        assertThat(storage.credentials().listCredentials(handle)).isEmpty();
    }

    @Test
    @DisplayName(
            "another session cannot finish a user's silent offer: no passkey for a user not authenticated in that flow")
    void silentOfferBelongsToItsFlow() throws Exception {
        MockHttpSession victim = new MockHttpSession();
        JsonNode silent = passwordLogin(victim, CONDITIONAL_CREATE);
        String registration = SoftwareAuthenticator.forOrigin(ORIGIN).registerWithoutUserPresence(wrap(silent));

        // The attacker started a flow for the same account but never gave its password.
        MockHttpSession attacker = new MockHttpSession();
        call(attacker, post("/passkeyflow/start").content(startBody(CONDITIONAL_CREATE)), 200);
        MockHttpServletResponse stolen = mvc.perform(
                        with(attacker, post("/passkeyflow/healing").content(registration)))
                .andReturn()
                .getResponse();
        MockHttpServletResponse declined = mvc.perform(with(attacker, post("/passkeyflow/silent-declined")))
                .andReturn()
                .getResponse();

        assertThat(stolen.getContentAsString()).doesNotContain("\"completed\"");
        assertThat(declined.getStatus()).isEqualTo(409);
        assertThat(signedIn(attacker)).isNull();
        assertThat(storage.credentials().listCredentials(handle))
                .as("no passkey from the attacker's session")
                .isEmpty();
        JsonNode done = call(victim, post("/passkeyflow/healing").content(registration), 200);
        assertThat(done.path("type").asText())
                .as("the offer still belongs to the victim's flow")
                .isEqualTo("completed");
    }

    // ------------------------------------------------------------------ helpers

    /** Starts a flow for {@link #user} from a client, gives the right password; the step after it. */
    private JsonNode passwordLogin(MockHttpSession session, String client) throws Exception {
        JsonNode fallback = call(session, post("/passkeyflow/start").content(startBody(client)), 200);
        assertThat(fallback.path("type").asText()).isEqualTo("fallback");
        return call(session, post("/passkeyflow/password").content(passwordBody()), 200);
    }

    private String startBody(String client) {
        return "{\"identifier\":\"" + user + "\",\"rememberMe\":false,\"client\":" + client + "}";
    }

    private static String passwordBody() {
        return "{\"password\":\"" + PASSWORD + "\"}";
    }
}
