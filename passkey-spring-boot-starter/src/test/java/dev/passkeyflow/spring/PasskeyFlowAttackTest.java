package dev.passkeyflow.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;

/**
 * Attacks on the starter's session handling, each pinned by the refusal it must meet. The same
 * application and properties as {@link PasskeyFlowConfigurerTest}, so the context is shared.
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
@DisplayName("Attacks on the starter's endpoints (MockMvc)")
class PasskeyFlowAttackTest extends StarterMvcTestSupport {

    static final String VICTIM_PASSWORD = "victim's secret";
    static final String ATTACKER_PASSWORD = "attacker's own password";
    static final String ORIGIN = PasskeyFlowConfigurerTest.ORIGIN;
    /** A computer without a platform authenticator: a right password completes at once, no offer. */
    static final String NO_PLATFORM = "{\"userVerifyingPlatformAuthenticator\":false}";

    static final String PLATFORM = PasskeyFlowConfigurerTest.CLIENT;

    @Autowired
    JdbcStorage storage;

    String victim;
    String attacker;

    @BeforeEach
    void setUp() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        victim = "victim-" + suffix + "@example.com";
        attacker = "attacker-" + suffix + "@example.com";
        users.createUser(User.withUsername(victim)
                .password(encoder.encode(VICTIM_PASSWORD))
                .roles("USER")
                .build());
        users.createUser(User.withUsername(attacker)
                .password(encoder.encode(ATTACKER_PASSWORD))
                .roles("USER")
                .build());
        // The victim has signed in before, so passkeyflow knows the account.
        storage.credentials()
                .saveUser(new UserAccount(
                        Bytes.of(UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        victim,
                        victim));
    }

    @Test
    @DisplayName(
            "a start racing a password post in one session cannot make the attacker's password complete the victim's flow")
    void passwordRacingStart() throws Exception {
        // What another request of the session writes when it starts the attacker's own flow.
        MockHttpSession elsewhere = new MockHttpSession();
        call(elsewhere, post("/passkeyflow/start").content(startBody(attacker)), 200);

        InterleavingSession session = new InterleavingSession();
        JsonNode fallback = call(session, post("/passkeyflow/start").content(startBody(victim)), 200);
        assertThat(fallback.path("type").asText()).isEqualTo("fallback");
        // The attacker's start lands right after the password request has read the session's flow.
        session.afterFlowRead(() -> copyFlowAttributes(elsewhere, session));

        JsonNode step = call(
                session, post("/passkeyflow/password").content("{\"password\":\"" + ATTACKER_PASSWORD + "\"}"), 200);

        assertThat(session.interleaved)
                .as("the start ran between the password request's reads")
                .isTrue();
        assertThat(signedIn(session))
                .as("nobody is signed in as the victim with the attacker's password")
                .isNotEqualTo(victim);
        assertThat(step.path("type").asText()).isEqualTo("fallback");
        assertThat(step.path("reason").asText()).isEqualTo("FALLBACK_FAILED");
    }

    @Test
    @DisplayName(
            "an enrolment offer left open when its user signed out (session kept) cannot register the next person's passkey on that account")
    void enrolmentAfterSignOut() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(victim)), 200);
        call(session, post("/passkeyflow/password").content("{\"password\":\"" + VICTIM_PASSWORD + "\"}"), 200);
        assertThat(signedIn(session)).isEqualTo(victim);
        JsonNode offer = call(session, post("/passkeyflow/enrol").content("{\"client\":" + PLATFORM + "}"), 200);
        assertThat(offer.path("type").asText()).isEqualTo("healing");
        // Sign-out with logout().invalidateHttpSession(false): the context goes, the session stays.
        session.removeAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        Bytes handle =
                storage.credentials().findUserByIdentifier(victim).orElseThrow().userHandle();

        SoftwareAuthenticator stranger = SoftwareAuthenticator.forOrigin(ORIGIN);
        MockHttpServletResponse response = mvc.perform(
                        with(session, post("/passkeyflow/healing").content(stranger.register(wrap(offer)))))
                .andReturn()
                .getResponse();

        assertThat(storage.credentials().listCredentials(handle))
                .as("no passkey registered for the victim")
                .isEmpty();
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(json.readTree(response.getContentAsString()).path("reason").asText())
                .isEqualTo("UNKNOWN_FLOW");
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNull();
    }

    @Test
    @DisplayName("an enrolment offer cannot be finished by another account signed in over the same session")
    void enrolmentAfterAnotherSignIn() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(victim)), 200);
        call(session, post("/passkeyflow/password").content("{\"password\":\"" + VICTIM_PASSWORD + "\"}"), 200);
        JsonNode offer = call(session, post("/passkeyflow/enrol").content("{\"client\":" + PLATFORM + "}"), 200);
        // The attacker signs in to their own account with the form login, over the same session
        // (its session fixation protection changes the id and keeps the attributes).
        MockHttpServletResponse form = mvc.perform(post("/login")
                        .session(session)
                        .with(csrf())
                        .param("username", attacker)
                        .param("password", ATTACKER_PASSWORD))
                .andReturn()
                .getResponse();
        assertThat(form.getStatus()).isEqualTo(302);
        assertThat(signedIn(session)).isEqualTo(attacker);
        assertThat(session.getAttribute(FlowSession.FLOW_ID))
                .as("the enrolment is still in the session")
                .isNotNull();
        Bytes handle =
                storage.credentials().findUserByIdentifier(victim).orElseThrow().userHandle();

        MockHttpServletResponse response = mvc.perform(with(
                        session,
                        post("/passkeyflow/healing")
                                .content(SoftwareAuthenticator.forOrigin(ORIGIN).register(wrap(offer)))))
                .andReturn()
                .getResponse();

        assertThat(storage.credentials().listCredentials(handle))
                .as("no passkey registered for the victim")
                .isEmpty();
        assertThat(response.getStatus()).isEqualTo(404);
    }

    @Test
    @DisplayName(
            "every state-changing endpoint refuses a POST without the CSRF token with 403 and leaves the session's flows as they were")
    void csrfOnEveryPost() throws Exception {
        MockHttpSession session = new MockHttpSession();
        call(session, post("/passkeyflow/start").content(startBody(victim)), 200);
        Object flow = session.getAttribute(FlowSession.FLOW_ID);
        for (String endpoint : List.of(
                "start",
                "autofill",
                "autofill-passkey",
                "passkey",
                "passkey-error",
                "immediate-rejection",
                "fallback",
                "retry-passkey",
                "password",
                "healing",
                "healing-error",
                "decline",
                "silent-declined",
                "enrol")) {
            MockHttpServletResponse response = mvc.perform(post("/passkeyflow/" + endpoint)
                            .session(session)
                            .contentType("application/json")
                            .header("Origin", ORIGIN)
                            .content("{\"password\":\"" + VICTIM_PASSWORD + "\",\"name\":\"NotAllowedError\"}"))
                    .andReturn()
                    .getResponse();
            assertThat(response.getStatus()).as(endpoint).isEqualTo(403);
        }
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isEqualTo(flow);
        assertThat(session.getAttribute(FlowSession.AUTOFILL_FLOW_ID)).isNull();
        assertThat(signedIn(session)).isNull();
        JsonNode step = call(session, post("/passkeyflow/password").content("{\"password\":\"nope\"}"), 200);
        assertThat(step.path("remainingAttempts").asInt())
                .as("no password was counted")
                .isEqualTo(4);
    }

    @Test
    @DisplayName(
            "the answers of start and of a wrong password do not tell an unknown identifier from an account without passkeys")
    void noEnumeration() throws Exception {
        String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode[] known = startAndGuess(victim);
        JsonNode[] none = startAndGuess(unknown);
        for (int i = 0; i < 2; i++) {
            assertThat(comparable(none[i], unknown)).as("step " + i).isEqualTo(comparable(known[i], victim));
        }
        assertThat(known[1].path("reason").asText()).isEqualTo("FALLBACK_FAILED");
        assertThat(storage.credentials().findUserByIdentifier(unknown))
                .as("a wrong password mirrors nobody")
                .isEmpty();
    }

    @Test
    @DisplayName(
            "an assertion replayed after its login is refused: 404 in the signed-in session, and no login in another session's flow for that account")
    void assertionReplay() throws Exception {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        MockHttpSession enrolled = new MockHttpSession();
        call(enrolled, post("/passkeyflow/start").content(startBody(victim, PLATFORM)), 200);
        JsonNode offer = call(
                enrolled, post("/passkeyflow/password").content("{\"password\":\"" + VICTIM_PASSWORD + "\"}"), 200);
        call(enrolled, post("/passkeyflow/healing").content(authenticator.register(wrap(offer))), 200);

        MockHttpSession session = new MockHttpSession();
        JsonNode challenge = call(session, post("/passkeyflow/start").content(startBody(victim, PLATFORM)), 200);
        String assertion = authenticator.authenticate(wrap(challenge));
        assertThat(call(session, post("/passkeyflow/passkey").content(assertion), 200)
                        .path("type")
                        .asText())
                .isEqualTo("completed");
        JsonNode again = call(session, post("/passkeyflow/passkey").content(assertion), 404);
        assertThat(again.path("reason").asText()).isEqualTo("UNKNOWN_FLOW");

        MockHttpSession attacker = new MockHttpSession();
        JsonNode other = call(attacker, post("/passkeyflow/start").content(startBody(victim, PLATFORM)), 200);
        assertThat(other.path("type").asText()).isEqualTo("passkey");
        MockHttpServletResponse replay = mvc.perform(
                        with(attacker, post("/passkeyflow/passkey").content(assertion)))
                .andReturn()
                .getResponse();
        assertThat(replay.getContentAsString()).doesNotContain("\"completed\"");
        assertThat(signedIn(attacker)).isNull();
        MockHttpServletResponse autofill = mvc.perform(
                        with(attacker, post("/passkeyflow/autofill-passkey").content(assertion)))
                .andReturn()
                .getResponse();
        assertThat(autofill.getStatus()).as("no autofill flow in that session").isEqualTo(404);
        call(attacker, post("/passkeyflow/autofill").content("{}"), 200);
        JsonNode retry = call(attacker, post("/passkeyflow/autofill-passkey").content(assertion), 200);
        assertThat(retry.path("type").asText())
                .as("the autofill challenge is another")
                .isEqualTo("passkey");
        assertThat(signedIn(attacker)).isNull();
    }

    @Test
    @DisplayName(
            "enrol refuses a user signed in only by a remember-me cookie (401): a long-lived cookie never turns into a passkey")
    void enrolNeedsFullAuthentication() throws Exception {
        MockHttpSession session = new MockHttpSession();
        RememberMeAuthenticationToken cookie = new RememberMeAuthenticationToken(
                "test-only-key", users.loadUserByUsername(victim), AuthorityUtils.createAuthorityList("ROLE_USER"));
        MockHttpServletResponse response = mvc.perform(
                        with(session, post("/passkeyflow/enrol").content("{\"client\":" + PLATFORM + "}"))
                                .with(authentication(cookie)))
                .andReturn()
                .getResponse();

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(session.getAttribute(FlowSession.FLOW_ID)).isNull();
    }

    @Test
    @DisplayName(
            "malformed, oversized and incomplete bodies are 400 problems that quote nothing, and the pending challenge still signs in its owner")
    void badBodies() throws Exception {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.forOrigin(ORIGIN);
        MockHttpSession enrolled = new MockHttpSession();
        call(enrolled, post("/passkeyflow/start").content(startBody(victim, PLATFORM)), 200);
        JsonNode offer = call(
                enrolled, post("/passkeyflow/password").content("{\"password\":\"" + VICTIM_PASSWORD + "\"}"), 200);
        call(enrolled, post("/passkeyflow/healing").content(authenticator.register(wrap(offer))), 200);
        MockHttpSession session = new MockHttpSession();
        JsonNode challenge = call(session, post("/passkeyflow/start").content(startBody(victim, PLATFORM)), 200);

        String marker = "SECRET-MARKER-" + UUID.randomUUID();
        for (String[] bad : new String[][] {
            {"passkey", "{\"id\":\"" + marker + "\""},
            {"passkey", "{\"id\":\"" + marker + "\",\"pad\":\"" + "x".repeat(200 * 1024) + "\"}"},
            {"passkey", "[\"" + marker + "\"]"},
            {"passkey-error", "{\"message\":\"" + marker + "\"}"},
            {"start", "{\"rememberMe\":\"" + marker + "\"}"},
            {"password", "{\"pass\":\"" + marker + "\"}"}
        }) {
            MockHttpServletResponse response = mvc.perform(
                            with(session, post("/passkeyflow/" + bad[0]).content(bad[1])))
                    .andReturn()
                    .getResponse();
            assertThat(response.getStatus()).as(bad[0]).isEqualTo(400);
            assertThat(response.getContentAsString()).as(bad[0]).doesNotContain(marker);
            assertThat(json.readTree(response.getContentAsString())
                            .path("reason")
                            .asText())
                    .isEqualTo("INVALID_INPUT");
        }

        JsonNode done =
                call(session, post("/passkeyflow/passkey").content(authenticator.authenticate(wrap(challenge))), 200);
        assertThat(done.path("type").asText()).isEqualTo("completed");
        assertThat(signedIn(session)).isEqualTo(victim);
    }

    // ------------------------------------------------------------------ helpers

    /** The answers of {@code start} and of a wrong password for an identifier, each in a new session. */
    private JsonNode[] startAndGuess(String identifier) throws Exception {
        MockHttpSession session = new MockHttpSession();
        JsonNode start = call(session, post("/passkeyflow/start").content(startBody(identifier, PLATFORM)), 200);
        JsonNode guess = call(session, post("/passkeyflow/password").content("{\"password\":\"guess\"}"), 200);
        return new JsonNode[] {start, guess};
    }

    /** A step without what differs by design: the identifier it echoes (the flow id is not in it). */
    private static String comparable(JsonNode step, String identifier) {
        return step.toString().replace(identifier, "IDENTIFIER");
    }

    /** A session that runs one action right after the endpoints first read the identifier-first flow. */
    static final class InterleavingSession extends MockHttpSession {
        private @Nullable Runnable action;
        boolean interleaved;

        void afterFlowRead(Runnable value) {
            this.action = value;
        }

        @Override
        public @Nullable Object getAttribute(String name) {
            Object value = super.getAttribute(name);
            Runnable pending = action;
            if (pending != null && FlowSession.FLOW_ID.equals(name)) {
                action = null;
                pending.run();
                interleaved = true;
            }
            return value;
        }
    }

    private static void copyFlowAttributes(MockHttpSession from, MockHttpSession to) {
        for (String name : Collections.list(from.getAttributeNames())) {
            if (name.startsWith(FlowSession.class.getName())) {
                to.setAttribute(name, from.getAttribute(name));
            }
        }
    }

    private String startBody(String identifier) {
        return startBody(identifier, NO_PLATFORM);
    }

    private String startBody(String identifier, String client) {
        return "{\"identifier\":\"" + identifier + "\",\"rememberMe\":false,\"client\":" + client + "}";
    }
}
