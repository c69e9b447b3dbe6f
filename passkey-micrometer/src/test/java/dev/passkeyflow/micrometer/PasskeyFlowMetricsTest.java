package dev.passkeyflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasskeyFlowMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PasskeyFlowMetrics metrics = new PasskeyFlowMetrics(registry);

    private ScriptedLogins metered(UnaryOperator<LoginFlow.Builder> customize) {
        return new ScriptedLogins(b -> customize.apply(b).listener(metrics), metrics::instrument);
    }

    private double count(String name, String... tags) {
        return registry.find("passkeyflow." + name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    @DisplayName("the scripted scenario's flows are counted by decision, reason, outcome, kind and result")
    void countsTheScenario() {
        metered(UnaryOperator.identity()).runScenario();

        assertThat(count("flows.started", "decision", "attempt_automatically"))
                .as("flows 1, 2, 6, 7")
                .isEqualTo(4);
        assertThat(count("flows.started", "decision", "fallback"))
                .as("flows 3, 4, 5")
                .isEqualTo(3);
        assertThat(count("advisor.tags", "tag", "user-has-no-passkeys"))
                .as("flows 3, 4")
                .isEqualTo(2);
        assertThat(count("advisor.tags", "tag", "no-passkey-support-in-environment"))
                .as("flow 5")
                .isEqualTo(1);
        assertThat(count("passkey.failures", "outcome", "cancelled", "action", "retry"))
                .as("flows 2, 7")
                .isEqualTo(2);
        assertThat(count("passkey.failures", "outcome", "cancelled", "action", "fallback"))
                .as("flows 2, 7")
                .isEqualTo(2);
        assertThat(count("fallbacks", "reason", "passkey_failed"))
                .as("flows 2, 7")
                .isEqualTo(2);
        assertThat(count("fallbacks", "reason", "passkey_not_available"))
                .as("flows 3, 4, 5")
                .isEqualTo(3);
        assertThat(count("fallbacks", "reason", "user_chose_fallback"))
                .as("flow 6")
                .isEqualTo(1);
        assertThat(count("fallback.results", "result", "succeeded"))
                .as("flows 2, 3, 5, 6, 7")
                .isEqualTo(5);
        assertThat(count("fallback.results", "result", "failed")).as("flow 4").isEqualTo(1);
        assertThat(count("healing.offers", "kind", "after_error"))
                .as("flows 2, 7")
                .isEqualTo(2);
        assertThat(count("healing.offers", "kind", "first_passkey"))
                .as("flow 3")
                .isEqualTo(1);
        // Host-initiated enrolment is its own kind, not healing (issue #15).
        assertThat(count("healing.offers", "kind", "enrolment"))
                .as("four enrolments")
                .isEqualTo(4);
        assertThat(count("healing.results", "kind", "after_error", "result", "healed"))
                .as("flow 2")
                .isEqualTo(1);
        assertThat(count("healing.results", "kind", "after_error", "result", "cancelled"))
                .as("flow 7")
                .isEqualTo(1);
        assertThat(count("healing.results", "kind", "first_passkey", "result", "declined"))
                .as("flow 3")
                .isEqualTo(1);
        assertThat(count("healing.results", "kind", "enrolment", "result", "enrolled"))
                .as("enrolments")
                .isEqualTo(4);
        assertThat(count("flows.completed", "method", "passkey")).as("flow 1").isEqualTo(1);
        assertThat(count("flows.completed", "method", "fallback"))
                .as("flows 2, 3, 5, 6, 7")
                .isEqualTo(5);
        assertThat(count("flows.completed", "method", "host_session"))
                .as("enrolments")
                .isEqualTo(4);
    }

    @Test
    @DisplayName("silent upgrades are counted as attempted, declined by the browser and created, by offer kind")
    void silentUpgrades() {
        ScriptedLogins logins = metered(UnaryOperator.identity());
        logins.runSilentUpgrades();
        // A fourth silent offer, shown again (a reload of the page): the reload is not a second attempt.
        String ivy = logins.user("ivy@example.com").identifier();
        LoginStep.HealingOffer pending = logins.passwordThenOffer(logins.flow
                .start(ivy, ScriptedLogins.upgradingLaptop("device-ivy"))
                .flowId());
        assertThat(pending.silent()).isTrue();
        assertThat(logins.flow.resume(pending.flowId()))
                .isInstanceOfSatisfying(
                        LoginStep.HealingOffer.class,
                        again -> assertThat(again.silent()).isTrue());

        assertThat(count("silent.upgrades", "result", "attempted", "kind", "first_passkey"))
                .as("flow 1 and ivy's flow, once")
                .isEqualTo(2);
        assertThat(count("silent.upgrades", "result", "attempted", "kind", "after_error"))
                .as("flow 2")
                .isEqualTo(1);
        assertThat(count("silent.upgrades", "result", "declined")).as("flow 2").isEqualTo(1);
        assertThat(count("silent.upgrades", "result", "declined", "kind", "after_error"))
                .isEqualTo(1);
        assertThat(count("silent.upgrades", "result", "created", "kind", "first_passkey"))
                .as("flow 1")
                .isEqualTo(1);
        assertThat(count("silent.upgrades", "result", "created"))
                .as("flow 2 healed explicitly")
                .isEqualTo(1);
        assertThat(count("healing.results", "result", "healed"))
                .as("flows 1 and 2")
                .isEqualTo(2);
    }

    @Test
    @DisplayName("a flow's duration runs from its start to its completion by the flow's clock")
    void flowDuration() {
        metered(UnaryOperator.identity()).runScenario();

        Timer passkey = registry.find("passkeyflow.flow.duration")
                .tags("method", "passkey")
                .timer();
        assertThat(passkey).isNotNull();
        assertThat(passkey.count()).isEqualTo(1);
        assertThat(passkey.totalTime(TimeUnit.SECONDS))
                .as("flow 1 advanced the clock by 3 s")
                .isEqualTo(3.0);
        assertThat(registry.find("passkeyflow.flow.duration").timers().stream()
                        .mapToLong(Timer::count)
                        .sum())
                .as("the six completed login flows; enrolments have no start to measure from")
                .isEqualTo(6);
    }

    @Test
    @DisplayName("every call is timed by operation and outcome, refusals with their reason")
    void callsAreTimed() {
        ScriptedLogins logins = metered(UnaryOperator.identity());
        logins.runScenario();
        assertThat(registry.find("passkeyflow.calls")
                        .tags("operation", "start", "outcome", "passkey_challenge")
                        .timer()
                        .count())
                .isEqualTo(4);
        assertThat(registry.find("passkeyflow.calls")
                        .tags("operation", "start", "outcome", "fallback_required")
                        .timer()
                        .count())
                .isEqualTo(3);

        assertThatThrownBy(() -> logins.flow.resume("no-such-flow-id-0000000000000"))
                .isInstanceOf(LoginFlowException.class);
        assertThat(registry.find("passkeyflow.calls")
                        .tags("operation", "resume")
                        .timer()
                        .getId()
                        .getTag("outcome"))
                .isIn("unknown_flow", "invalid_input");
    }

    @Test
    @DisplayName(
            "throttled password guesses and starts are counted, and the flow's refusal reaches the caller unchanged")
    void throttling() {
        ScriptedLogins logins = metered(b -> b.throttle(LoginThrottle.custom()
                .maxFailuresPerIdentifier(1)
                .maxStartsPerIdentifier(2)
                .build()));
        ClientContext client = ScriptedLogins.laptop("device-1");
        LoginStep step = logins.flow.start("mallory@example.com", client);
        logins.flow.fallbackFailed(step.flowId());
        LoginFlowException guess = org.assertj.core.api.Assertions.catchThrowableOfType(
                LoginFlowException.class, () -> logins.flow.fallbackFailed(step.flowId()));
        assertThat(guess.reason()).isEqualTo(LoginFlowException.Reason.THROTTLED);
        assertThat(guess.retryAfter()).isPresent();
        logins.flow.start("mallory@example.com", client);
        LoginFlowException start = org.assertj.core.api.Assertions.catchThrowableOfType(
                LoginFlowException.class, () -> logins.flow.start("mallory@example.com", client));
        assertThat(start.reason()).isEqualTo(LoginFlowException.Reason.THROTTLED);

        assertThat(count("throttled", "limit", "failed_logins")).isEqualTo(1);
        assertThat(count("throttled", "limit", "flow_starts")).isEqualTo(1);
        assertThat(registry.find("passkeyflow.calls")
                        .tags("operation", "fallback_failed", "outcome", "throttled")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("no identifier, user handle, device id or flow id ever becomes a tag, even from a hostile advisor")
    void boundedCardinality() {
        List<String> secrets = new ArrayList<>();
        // Advisor tags are DecisionTag constants, so an advisor cannot put user data in them; what is
        // left to check is that no other tag takes a value from the request.
        LoginAdvisor leaky = ThresholdLoginAdvisor.ofDefaults();
        ScriptedLogins logins = metered(b -> b.advisor(leaky));
        SoftwareAuthenticator key = SoftwareAuthenticator.forOrigin(ScriptedLogins.ORIGIN);
        for (int i = 0; i < 120; i++) {
            String deviceId = "device-" + i + "-x7Kp2";
            ClientContext client = ScriptedLogins.laptop(deviceId);
            UserAccount user = logins.user("user" + i + "@example.com");
            if (i % 2 == 0) {
                logins.enrol(user, key, client);
            }
            LoginStep step = logins.flow.start(user.identifier(), client);
            if (step instanceof LoginStep.PasskeyChallenge) {
                step = logins.answer(step, key, 800);
            } else {
                step = logins.flow.fallbackSucceeded(step.flowId());
                if (step instanceof LoginStep.HealingOffer offer) {
                    logins.flow.declineHealing(offer.flowId());
                }
            }
            secrets.add(user.identifier());
            secrets.add(user.userHandle().toBase64Url());
            secrets.add(deviceId);
        }
        for (LoginFlowEvent event : logins.events) {
            secrets.add(event.flowId());
        }

        Set<String> advisorTags = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                keys.add(tag.getKey());
                for (String secret : secrets) {
                    assertThat(tag.getValue())
                            .as(meter.getId().getName() + " " + tag.getKey())
                            .doesNotContain(secret);
                }
                assertThat(tag.getValue())
                        .doesNotContain("@")
                        .doesNotContain("device-")
                        .hasSizeLessThanOrEqualTo(48);
                if (tag.getKey().equals("tag")) {
                    advisorTags.add(tag.getValue());
                }
            }
        }
        assertThat(keys)
                .isSubsetOf(
                        "decision",
                        "stage",
                        "tag",
                        "outcome",
                        "cause",
                        "action",
                        "reason",
                        "result",
                        "kind",
                        "method",
                        "healing",
                        "operation",
                        "limit");
        assertThat(advisorTags)
                .as("only the texts of DecisionTag constants")
                .isSubsetOf(java.util.Arrays.stream(DecisionTag.values())
                        .map(DecisionTag::text)
                        .toList())
                .contains("user-has-passkeys", "user-has-no-passkeys");
    }

    @Test
    @DisplayName("every method of LoginFlow is timed under its own operation name and returns the delegate's step")
    void everyMethodTimed() throws Exception {
        LoginStep.Completed done = new LoginStep.Completed(
                "flow-1",
                dev.passkeyflow.core.AuthenticationMethod.PASSKEY,
                null,
                "someone",
                dev.passkeyflow.core.HealingResult.NOT_OFFERED,
                null,
                "/",
                List.of());
        List<String> called = new ArrayList<>();
        LoginFlow stub = (LoginFlow) java.lang.reflect.Proxy.newProxyInstance(
                LoginFlow.class.getClassLoader(), new Class<?>[] {LoginFlow.class}, (proxy, method, args) -> {
                    called.add(method.getName());
                    return done;
                });
        LoginFlow timed = metrics.instrument(stub);
        List<String> methods = new ArrayList<>();
        for (java.lang.reflect.Method method : LoginFlow.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Object[] args = new Object[method.getParameterCount()];
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < args.length; i++) {
                args[i] = types[i] == String.class
                        ? "x"
                        : types[i] == long.class
                                ? 0L
                                : types[i] == ClientContext.class ? ClientContext.unknown() : null;
            }
            assertThat(method.invoke(timed, args)).isSameAs(done);
            methods.add(method.getName());
        }
        assertThat(called).containsExactlyInAnyOrderElementsOf(methods);
        for (String name : methods) {
            String operation = MeteredLoginFlow.snakeCase(name);
            assertThat(registry.find("passkeyflow.calls")
                            .tags("operation", operation, "outcome", "completed")
                            .timer())
                    .as(operation)
                    .isNotNull()
                    .satisfies(t -> assertThat(t.count()).isEqualTo(1));
        }
        assertThat(methods).contains("start", "finishPasskey", "declineHealing");
    }

    @Test
    @DisplayName("the flows remembered for durations stay within the bound")
    void trackedFlowsBounded() {
        PasskeyFlowMetrics small = new PasskeyFlowMetrics(registry, 8, 3);
        ScriptedLogins logins = new ScriptedLogins(b -> b.listener(small), UnaryOperator.identity());
        for (int i = 0; i < 10; i++) {
            logins.flow.start("someone" + i + "@example.com", ScriptedLogins.laptop("d" + i));
        }
        assertThat(small.trackedFlows()).isEqualTo(3);
    }

    @Test
    @DisplayName("bounds outside their ranges are refused with the value named")
    void badBounds() {
        assertThatThrownBy(() -> new PasskeyFlowMetrics(registry, 0, 10))
                .hasMessageContaining("maxAdvisorTags")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new PasskeyFlowMetrics(registry, 10, 0)).hasMessageContaining("maxTrackedFlows");
    }

    @Test
    @DisplayName("an advisor tag is kept only when it looks like a short reason word")
    void tagShapes() {
        TagValues values = new TagValues(2);
        assertThat(values.bounded("positive-history-on-environment")).isEqualTo("positive-history-on-environment");
        assertThat(values.bounded("alice@example.com")).isEqualTo(TagValues.OTHER);
        assertThat(values.bounded("Upper-Case")).isEqualTo(TagValues.OTHER);
        assertThat(values.bounded("user-12345"))
                .as("five digits look like an id")
                .isEqualTo(TagValues.OTHER);
        assertThat(values.bounded("a".repeat(49))).isEqualTo(TagValues.OTHER);
        assertThat(values.bounded("immediate-ui-mode")).isEqualTo("immediate-ui-mode");
        assertThat(values.bounded("third-word")).as("over the bound of 2").isEqualTo(TagValues.OTHER);
        assertThat(values.bounded("positive-history-on-environment"))
                .as("already admitted")
                .isEqualTo("positive-history-on-environment");
    }
}
