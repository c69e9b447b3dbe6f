package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.intelligence.IntelligenceEvent;
import dev.passkeyflow.intelligence.IntelligenceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Micrometer counters for the decisions of {@link dev.passkeyflow.intelligence.PasskeyIntelligence}
 * that the flow's events do not carry: the diagnosis behind each failure decision with its
 * confidence, and the tags of each healing decision (why an offer was made, or why not: a cooldown,
 * a device that cannot create a passkey, ...). Start decisions are counted by
 * {@link PasskeyFlowMetrics} from the flow's events and are not counted again here.
 *
 * <pre>{@code
 * PasskeyIntelligence.builder()...listener(new IntelligenceMetrics(meterRegistry)).build();
 * }</pre>
 *
 * <p>Needs {@code passkey-intelligence} on the class path (an optional dependency of this module).
 * Tag values are bounded as in {@link PasskeyFlowMetrics}: enum constants, and decision tags kept to
 * at most {@value PasskeyFlowMetrics#DEFAULT_MAX_ADVISOR_TAGS} kebab-case words, anything else
 * {@code other}. Thread-safe; never throws.
 */
public final class IntelligenceMetrics implements IntelligenceListener {

    private final MeterRegistry registry;
    private final TagValues tags = new TagValues(PasskeyFlowMetrics.DEFAULT_MAX_ADVISOR_TAGS);

    public IntelligenceMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onEvent(IntelligenceEvent event) {
        if (event instanceof IntelligenceEvent.FailureDiagnosed failure) {
            Counter.builder(PasskeyFlowMetrics.PREFIX + "advisor.diagnoses")
                    .tags(
                            "cause",
                            TagValues.of(failure.diagnosis().cause()),
                            "confidence",
                            TagValues.of(failure.diagnosis().confidence()),
                            "action",
                            TagValues.of(failure.decision().action()))
                    .register(registry)
                    .increment();
        } else if (event instanceof IntelligenceEvent.HealingAdvised healing) {
            String decision =
                    healing.decision() instanceof HealingDecision.Offer offer ? TagValues.of(offer.kind()) : "no_offer";
            for (String tag : healing.decision().tagTexts()) {
                Counter.builder(PasskeyFlowMetrics.PREFIX + "advisor.tags")
                        .tags("stage", "healing", "decision", decision, "tag", tags.bounded(tag))
                        .register(registry)
                        .increment();
            }
        }
    }
}
