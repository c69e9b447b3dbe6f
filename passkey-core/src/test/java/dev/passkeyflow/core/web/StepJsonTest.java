package dev.passkeyflow.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.Confidence;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginStep;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("StepJson writes steps in the form the browser client runs")
class StepJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GET = "{\"publicKey\":{\"challenge\":\"AAEC\",\"rpId\":\"example.com\"}}";

    private static JsonNode json(LoginStep step) throws Exception {
        return MAPPER.readTree(StepJson.write(step));
    }

    @Test
    @DisplayName("a passkey challenge carries the unwrapped request options, never the flow id")
    void passkey() throws Exception {
        JsonNode node = json(new LoginStep.PasskeyChallenge(
                "flow-secret",
                GET,
                true,
                1,
                false,
                List.of(new ClientSignal.UnknownCredential("example.com", "cred")),
                true));

        assertThat(node.get("type").asText()).isEqualTo("passkey");
        assertThat(node.get("publicKey").get("challenge").asText()).isEqualTo("AAEC");
        assertThat(node.has("publicKey") && !node.get("publicKey").has("publicKey"))
                .isTrue();
        assertThat(node.get("autoStart").asBoolean()).isTrue();
        assertThat(node.get("immediate").asBoolean()).isTrue();
        assertThat(node.get("attempt").asInt()).isEqualTo(1);
        assertThat(node.get("signals").get(0).get("method").asText()).isEqualTo("signalUnknownCredential");
        assertThat(node.get("signals").get(0).get("options").get("credentialId").asText())
                .isEqualTo("cred");
        assertThat(StepJson.write(new LoginStep.PasskeyChallenge("flow-secret", GET, true, 1, false, List.of())))
                .doesNotContain("flow-secret");
    }

    @Test
    @DisplayName("a calm retry never says autoStart, so no page has to know to ignore it")
    void calmRetryDoesNotAutoStart() throws Exception {
        LoginStep.PasskeyChallenge retry = new LoginStep.PasskeyChallenge("f", GET, true, 2, true, List.of());

        assertThat(retry.autoStart()).isFalse();
        assertThat(json(retry).get("autoStart").asBoolean()).isFalse();
        assertThat(json(retry).get("calmRetry").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("fallback, healing offer and completion carry what a page needs for its wording")
    void otherSteps() throws Exception {
        JsonNode fallback =
                json(new LoginStep.FallbackRequired("f", FallbackReason.PASSKEY_FAILED, "ann", 4, List.of(), true));
        assertThat(fallback.get("type").asText()).isEqualTo("fallback");
        assertThat(fallback.get("reason").asText()).isEqualTo("PASSKEY_FAILED");
        assertThat(fallback.get("remainingAttempts").asInt()).isEqualTo(4);
        assertThat(fallback.get("passkeyAlternative").asBoolean()).isTrue();

        JsonNode offer = json(new LoginStep.HealingOffer(
                "f",
                "{\"publicKey\":{\"challenge\":\"AQ\",\"user\":{\"id\":\"AA\"}}}",
                HealingKind.AFTER_ERROR,
                FailureDiagnosis.of(FailureCause.PASSKEY_DELETED_LOCALLY, Confidence.HIGH, "worked here before"),
                ClientPlatform.MACOS,
                List.of(new ClientSignal.AllAcceptedCredentials("example.com", "u", List.of("a", "b")))));
        assertThat(offer.get("type").asText()).isEqualTo("healing");
        assertThat(offer.get("publicKey").get("user").get("id").asText()).isEqualTo("AA");
        assertThat(offer.get("diagnosis").get("cause").asText()).isEqualTo("PASSKEY_DELETED_LOCALLY");
        assertThat(offer.get("diagnosis").get("evidence").get(0).asText()).isEqualTo("worked here before");
        assertThat(offer.get("unlockMethod").asText()).isEqualTo("Touch ID");
        assertThat(offer.get("signals").get(0).get("options").get("allAcceptedCredentialIds"))
                .hasSize(2);

        JsonNode done = json(new LoginStep.Completed(
                "f", AuthenticationMethod.PASSKEY, null, "ann", HealingResult.NOT_OFFERED, null, "/home", List.of()));
        assertThat(done.get("type").asText()).isEqualTo("completed");
        assertThat(done.get("redirect").asText()).isEqualTo("/home");
        assertThat(done.get("method").asText()).isEqualTo("PASSKEY");
    }
}
