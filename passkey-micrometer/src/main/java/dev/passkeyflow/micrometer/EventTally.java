package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.advisor.StartDecision;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link LoginKpis#fromEvents}: the events grouped by flow, then each started flow counted. */
final class EventTally {

    private EventTally() {}

    static LoginKpis tally(Collection<? extends LoginFlowEvent> events, Set<String> silentOffers) {
        Map<String, FlowFacts> flows = new LinkedHashMap<>();
        for (LoginFlowEvent event : events) {
            flows.computeIfAbsent(event.flowId(), id -> new FlowFacts()).add(event);
        }
        Tally tally = new Tally();
        for (Map.Entry<String, FlowFacts> flow : flows.entrySet()) {
            LoginFlowEvent.FlowStarted start = flow.getValue().started;
            if (start != null) {
                tally.add(start, flow.getValue(), flow.getValue().silentOffer || silentOffers.contains(flow.getKey()));
            }
        }
        return tally.kpis(Set.of());
    }

    /** What KPIs need to know about one flow. */
    private static final class FlowFacts {
        LoginFlowEvent.@Nullable FlowStarted started;
        final Set<FallbackReason> reasons = EnumSet.noneOf(FallbackReason.class);

        @Nullable
        AuthenticationMethod method;

        @Nullable
        HealingKind offer;

        boolean silentOffer;

        @Nullable
        HealingResult healing;

        @Nullable
        HealingPath healedPath;

        void add(LoginFlowEvent event) {
            if (event instanceof LoginFlowEvent.FlowStarted s) {
                started = s;
            } else if (event instanceof LoginFlowEvent.FallbackRequired f) {
                reasons.add(f.reason());
            } else if (event instanceof LoginFlowEvent.HealingOffered o) {
                offer = o.kind();
                silentOffer |= o.silent();
            } else if (event instanceof LoginFlowEvent.Healed h) {
                healedPath = h.path();
            } else if (event instanceof LoginFlowEvent.Completed c) {
                method = c.method();
                healing = c.healing();
            }
        }
    }

    /** The counts while {@link #tally} walks the flows. */
    private static final class Tally {
        long started, passkey, fallback, noPasskey, unavailable, afterFailure, manual;
        long healOffered, healAccepted, healCompleted, appendOffered, appendCompleted, silentAttempted, silentCreated;

        void add(LoginFlowEvent.FlowStarted start, FlowFacts flow, boolean silentOffer) {
            started++;
            if (flow.reasons.contains(FallbackReason.PASSKEY_NOT_AVAILABLE)) {
                boolean noUsablePasskey = start.userHandle() == null
                        || start.decision().action() != StartDecision.Action.FALLBACK
                        || start.decision().tagTexts().contains(LoginKpis.NO_PASSKEY_TAG);
                if (noUsablePasskey) {
                    noPasskey++;
                } else {
                    unavailable++;
                }
            }
            afterFailure += flow.reasons.contains(FallbackReason.PASSKEY_FAILED) ? 1 : 0;
            manual += flow.reasons.contains(FallbackReason.USER_CHOSE_FALLBACK) ? 1 : 0;
            if (flow.method == AuthenticationMethod.PASSKEY) {
                passkey++;
            } else if (flow.method == AuthenticationMethod.FALLBACK) {
                fallback++;
            }
            if (flow.offer != null) {
                offer(flow.offer, flow.healing);
            }
            silentAttempted += silentOffer ? 1 : 0;
            silentCreated += flow.healedPath == HealingPath.SILENT ? 1 : 0;
        }

        private void offer(HealingKind kind, @Nullable HealingResult result) {
            boolean accepted = result != null && LoginKpis.ACCEPTED.contains(result);
            boolean completed = result == HealingResult.HEALED;
            if (kind == HealingKind.AFTER_ERROR) {
                healOffered++;
                healAccepted += accepted ? 1 : 0;
                healCompleted += completed ? 1 : 0;
            } else {
                appendOffered++;
                appendCompleted += completed ? 1 : 0;
            }
        }

        LoginKpis kpis(Set<LoginKpis.Count> unobserved) {
            return new LoginKpis(
                    LoginKpis.Source.EVENTS,
                    unobserved,
                    started,
                    passkey,
                    fallback,
                    noPasskey,
                    unavailable,
                    afterFailure,
                    manual,
                    healOffered,
                    healAccepted,
                    healCompleted,
                    appendOffered,
                    appendCompleted,
                    silentAttempted,
                    silentCreated);
        }
    }
}
