package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.core.LoginStep;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for a {@link LoginFlow}: counters of what happened in flows (as a
 * {@link LoginFlowListener}) and timers of the flow's calls with their refusals, throttling
 * included (through {@link #instrument(LoginFlow)}).
 *
 * <pre>{@code
 * PasskeyFlowMetrics metrics = new PasskeyFlowMetrics(meterRegistry);
 * LoginFlow flow = metrics.instrument(LoginFlow.builder()
 *         ...
 *         .listener(metrics)
 *         .build());
 * }</pre>
 *
 * <p>Every tag value comes from a fixed set: enum constants in lower case, or an advisor's decision
 * tag kept to at most {@value #DEFAULT_MAX_ADVISOR_TAGS} distinct kebab-case words (anything else is
 * recorded as {@code other}). No flow id, identifier, user handle, device id, credential id or
 * other user data is ever a tag. Meter names and tags, with PromQL examples: docs/metrics.md.
 *
 * <p>Two meters need to see a flow's earlier events: {@code passkeyflow.flow.duration} (start to
 * completion) and the offer kind on {@code passkeyflow.healing.results}. The flows seen are
 * remembered in a bounded map (the newest {@value #DEFAULT_MAX_TRACKED_FLOWS} flows); a flow
 * started on another node, or pushed out of the map, completes without a duration and with kind
 * {@code unknown}. Durations are differences between the events' timestamps, which come from the
 * flow's injected clock.
 *
 * <p>Silent upgrades (conditional create, docs/passkey-modes.md) are counted in
 * {@code passkeyflow.silent.upgrades} by {@code kind} and {@code result}: {@code attempted} on a
 * {@link LoginFlowEvent.HealingOffered} that is silent and {@code created} on a
 * {@link LoginFlowEvent.Healed} with {@link HealingPath#SILENT} (both seen by the listener),
 * {@code declined} when {@code silentCreateDeclined} returns the explicit offer (seen only through
 * {@link #instrument}: the browser's refusal is no event).
 *
 * <p>Thread-safe. The listener does no I/O and never throws for any event.
 */
public final class PasskeyFlowMetrics implements LoginFlowListener {

    /** Distinct advisor decision tags recorded before further new ones become {@code other}: {@value}. */
    public static final int DEFAULT_MAX_ADVISOR_TAGS = 64;
    /** Flows remembered for durations and offer kinds: {@value}. */
    public static final int DEFAULT_MAX_TRACKED_FLOWS = 10_000;

    static final String PREFIX = "passkeyflow.";
    static final String UNKNOWN = "unknown";
    static final String SILENT_UPGRADES = "silent.upgrades";

    private final MeterRegistry registry;
    private final TagValues advisorTags;
    private final Map<String, Track> flows;

    /** Meters on {@code registry}, with the default bounds. */
    public PasskeyFlowMetrics(MeterRegistry registry) {
        this(registry, DEFAULT_MAX_ADVISOR_TAGS, DEFAULT_MAX_TRACKED_FLOWS);
    }

    /**
     * Meters on {@code registry}.
     *
     * @param maxAdvisorTags 1 to 1,000 distinct advisor tag values
     * @param maxTrackedFlows 1 to 1,000,000 flows remembered for durations and offer kinds
     */
    public PasskeyFlowMetrics(MeterRegistry registry, int maxAdvisorTags, int maxTrackedFlows) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (maxAdvisorTags < 1 || maxAdvisorTags > 1_000) {
            throw new IllegalArgumentException("maxAdvisorTags must be between 1 and 1000, was " + maxAdvisorTags);
        }
        if (maxTrackedFlows < 1 || maxTrackedFlows > 1_000_000) {
            throw new IllegalArgumentException("maxTrackedFlows must be between 1 and 1000000, was " + maxTrackedFlows);
        }
        this.advisorTags = new TagValues(maxAdvisorTags);
        this.flows = new LinkedHashMap<>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Track> eldest) {
                return size() > maxTrackedFlows;
            }
        };
    }

    /**
     * {@code flow} with every call timed ({@code passkeyflow.calls}) and every refusal counted,
     * throttling separately ({@code passkeyflow.throttled}). The returned flow behaves exactly like
     * {@code flow}: same steps, same exceptions.
     */
    public LoginFlow instrument(LoginFlow flow) {
        return MeteredLoginFlow.of(Objects.requireNonNull(flow, "flow"), this);
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onEvent(LoginFlowEvent event) {
        if (event instanceof LoginFlowEvent.FlowStarted started) {
            String decision = TagValues.of(started.decision().action());
            count("flows.started", Tags.of("decision", decision));
            for (String tag : started.decision().tagTexts()) {
                count("advisor.tags", Tags.of("stage", "start", "decision", decision, "tag", advisorTags.bounded(tag)));
            }
            remember(started.flowId(), new Track(started.at(), null));
        } else if (event instanceof LoginFlowEvent.PasskeyAttemptFailed failed) {
            count(
                    "passkey.failures",
                    Tags.of(
                            "outcome",
                            TagValues.of(failed.failure().outcome()),
                            "cause",
                            TagValues.of(failed.diagnosis().cause()),
                            "action",
                            TagValues.of(failed.action())));
        } else if (event instanceof LoginFlowEvent.FallbackRequired fallback) {
            count("fallbacks", Tags.of("reason", TagValues.of(fallback.reason())));
        } else if (event instanceof LoginFlowEvent.PasskeyRetryChosen) {
            count("passkey.retries.chosen", Tags.empty());
        } else if (event instanceof LoginFlowEvent.FallbackFailed failed) {
            count("fallback.results", Tags.of("result", failed.locked() ? "locked" : "failed"));
        } else if (event instanceof LoginFlowEvent.FallbackSucceeded) {
            count("fallback.results", Tags.of("result", "succeeded"));
        } else if (event instanceof LoginFlowEvent.HealingOffered offered) {
            count(
                    "healing.offers",
                    Tags.of(
                            "kind",
                            TagValues.of(offered.kind()),
                            "cause",
                            TagValues.of(offered.diagnosis().cause())));
            if (offered.silent()) {
                count(SILENT_UPGRADES, Tags.of("kind", TagValues.of(offered.kind()), "result", "attempted"));
            }
            Track known = recall(offered.flowId(), false);
            remember(offered.flowId(), new Track(known == null ? null : known.startedAt(), offered.kind()));
        } else if (event instanceof LoginFlowEvent.Healed healed && healed.path() == HealingPath.SILENT) {
            count(SILENT_UPGRADES, Tags.of("kind", TagValues.of(healed.kind()), "result", "created"));
        } else if (event instanceof LoginFlowEvent.Completed completed) {
            completed(completed);
        } else if (event instanceof LoginFlowEvent.SignatureCounterAnomaly) {
            count("signature.counter.anomalies", Tags.empty());
        }
        // Healed and HealingDeclined are counted from Completed, which carries every healing result;
        // a silent Healed is counted above as well, as a silent upgrade.
    }

    private void completed(LoginFlowEvent.Completed completed) {
        Track track = recall(completed.flowId(), true);
        String method = TagValues.of(completed.method());
        String healing = TagValues.of(completed.healing());
        count("flows.completed", Tags.of("method", method, "healing", healing));
        if (completed.healing() != HealingResult.NOT_OFFERED) {
            HealingKind kind = track == null ? null : track.kind();
            count("healing.results", Tags.of("kind", kind == null ? UNKNOWN : TagValues.of(kind), "result", healing));
        }
        if (track != null && track.startedAt() != null) {
            Duration took = Duration.between(track.startedAt(), completed.at());
            if (!took.isNegative()) {
                Timer.builder(PREFIX + "flow.duration")
                        .description("From the start of a login flow to its completion, by the flow's clock")
                        .tags("method", method, "healing", healing)
                        .register(registry)
                        .record(took);
            }
        }
    }

    // ------------------------------------------------------------------ calls (MeteredLoginFlow)

    /** Runs one call of the flow, timing it by operation and outcome and counting throttling. */
    @Nullable
    Object timed(String operation, Supplier<@Nullable Object> call) {
        long begin = registry.config().clock().monotonicTime();
        String outcome = "error";
        try {
            Object result = call.get();
            outcome = result instanceof LoginStep step ? stepName(step) : "ok";
            silentOffer(operation, result);
            return result;
        } catch (LoginFlowException e) {
            outcome = TagValues.of(e.reason());
            if (e.reason() == LoginFlowException.Reason.THROTTLED) {
                count("throttled", Tags.of("limit", "start".equals(operation) ? "flow_starts" : "failed_logins"));
            }
            throw e;
        } finally {
            Timer.builder(PREFIX + "calls")
                    .description("LoginFlow calls by operation and outcome (the step returned or the refusal reason)")
                    .tags("operation", operation, "outcome", outcome)
                    .register(registry)
                    .record(registry.config().clock().monotonicTime() - begin, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Counts the browser's refusal of a silent offer when {@code silentCreateDeclined} answers it with
     * the explicit offer (the attempt itself is counted from its event).
     */
    private void silentOffer(String operation, @Nullable Object result) {
        if (result instanceof LoginStep.HealingOffer offer && "silent_create_declined".equals(operation)) {
            count(SILENT_UPGRADES, Tags.of("kind", TagValues.of(offer.kind()), "result", "declined"));
        }
    }

    /** The step's record name in snake case: {@code PasskeyChallenge} -> {@code passkey_challenge}. */
    private static String stepName(LoginStep step) {
        return MeteredLoginFlow.snakeCase(step.getClass().getSimpleName()).replaceFirst("^_", "");
    }

    // ------------------------------------------------------------------ helpers

    private void count(String name, Tags tags) {
        Counter.builder(PREFIX + name).tags(tags).register(registry).increment();
    }

    private void remember(String flowId, Track track) {
        synchronized (flows) {
            flows.put(flowId, track);
        }
    }

    private @Nullable Track recall(String flowId, boolean forget) {
        synchronized (flows) {
            return forget ? flows.remove(flowId) : flows.get(flowId);
        }
    }

    /** How many flows are remembered now (for tests of the bound). */
    int trackedFlows() {
        synchronized (flows) {
            return flows.size();
        }
    }

    /** What a flow's later events need from its earlier ones. */
    private record Track(
            @Nullable Instant startedAt, @Nullable HealingKind kind) {}
}
