package dev.passkeyflow.examples;

import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes passkeyflow's reasoning visible: logs every flow event at INFO (the start decision, each
 * failed attempt with its diagnosis and evidence, the fallback, the offer, the healing) and keeps
 * the latest diagnosis of each recent flow so that the password page can show it. The library logs
 * only at DEBUG; a host that wants this in production registers a listener like this one.
 */
final class FlowInsights implements LoginFlowListener {

    private static final Logger LOG = LoggerFactory.getLogger("passkeyflow.demo");
    private static final int FLOWS_KEPT = 1_000;

    /** The latest diagnosis per flow id, for the next page of that flow; bounded, oldest dropped. */
    private final Map<String, FailureDiagnosis> diagnoses =
            Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, FailureDiagnosis> eldest) {
                    return size() > FLOWS_KEPT;
                }
            });

    @Override
    public void onEvent(LoginFlowEvent event) {
        String flow = shortId(event.flowId());
        if (event instanceof LoginFlowEvent.FlowStarted started) {
            LOG.info(
                    "flow {} started: {} {}",
                    flow,
                    started.decision().action(),
                    started.decision().tags());
        } else if (event instanceof LoginFlowEvent.PasskeyAttemptFailed failed) {
            diagnoses.put(event.flowId(), failed.diagnosis());
            LOG.info(
                    "flow {} passkey attempt failed: {} ({} after {} ms); diagnosis {} ({} confidence), evidence {};"
                            + " next: {}",
                    flow,
                    failed.failure().outcome(),
                    failed.failure().clientErrorName(),
                    failed.failure().elapsedMillis(),
                    failed.diagnosis().cause(),
                    failed.diagnosis().confidence(),
                    failed.diagnosis().evidence(),
                    failed.action());
        } else if (event instanceof LoginFlowEvent.FallbackRequired fallback) {
            LOG.info("flow {} falls back to the password: {}", flow, fallback.reason());
        } else if (event instanceof LoginFlowEvent.HealingOffered offered) {
            LOG.info(
                    "flow {} offers a new passkey ({}): diagnosis {} ({} confidence), evidence {}",
                    flow,
                    offered.kind(),
                    offered.diagnosis().cause(),
                    offered.diagnosis().confidence(),
                    offered.diagnosis().evidence());
        } else if (event instanceof LoginFlowEvent.Healed healed) {
            LOG.info(
                    "flow {} healed: new passkey stored, {} flagged as not working on this device",
                    flow,
                    healed.flaggedCredentials().size());
        } else if (event instanceof LoginFlowEvent.HealingDeclined declined) {
            LOG.info("flow {} ended without a new passkey: {}", flow, declined.result());
        } else if (event instanceof LoginFlowEvent.Completed completed) {
            LOG.info("flow {} completed: signed in with {}, healing {}", flow, completed.method(), completed.healing());
        } else {
            LOG.info("flow {}: {}", flow, event.getClass().getSimpleName());
        }
    }

    /** The latest diagnosis of a failed passkey attempt in this flow; {@code null} when no passkey attempt failed. */
    @Nullable
    FailureDiagnosis diagnosis(String flowId) {
        return diagnoses.get(flowId);
    }

    /** Flow ids are bearer secrets while the flow lives: only a prefix goes to the log. */
    private static String shortId(String flowId) {
        return flowId.length() <= 6 ? flowId : flowId.substring(0, 6) + "…";
    }
}
