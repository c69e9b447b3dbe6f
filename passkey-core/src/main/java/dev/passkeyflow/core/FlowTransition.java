package dev.passkeyflow.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Every legal move of a login flow, one constant per from-to pair and cause. A move that is not
 * listed here is refused with {@link LoginFlowException.Reason#ILLEGAL_TRANSITION} and changes
 * nothing.
 */
public enum FlowTransition {
    START_PASSKEY(FlowState.NEW, FlowState.PASSKEY_PENDING, "passkey likely"),
    START_FALLBACK(FlowState.NEW, FlowState.FALLBACK_PENDING, "no usable passkey"),
    START_ENROLMENT(FlowState.NEW, FlowState.HEALING_PENDING, "host session adds a passkey"),
    START_USERNAMELESS(FlowState.NEW, FlowState.PASSKEY_PENDING, "no identifier, autofill"),
    PASSKEY_RETRY(FlowState.PASSKEY_PENDING, FlowState.PASSKEY_PENDING, "failed, retry"),
    PASSKEY_FAILED(FlowState.PASSKEY_PENDING, FlowState.FALLBACK_PENDING, "failed, fall back"),
    PASSKEY_DECLINED(FlowState.PASSKEY_PENDING, FlowState.FALLBACK_PENDING, "user chose password"),
    PASSKEY_SUCCEEDED(FlowState.PASSKEY_PENDING, FlowState.COMPLETED, "assertion verified"),
    PASSKEY_SUCCEEDED_OFFER(FlowState.PASSKEY_PENDING, FlowState.HEALING_PENDING, "hybrid login, offer a local passkey"),
    FALLBACK_FAILED(FlowState.FALLBACK_PENDING, FlowState.FALLBACK_PENDING, "password wrong"),
    FALLBACK_LOCKED(FlowState.FALLBACK_PENDING, FlowState.LOCKED, "too many wrong passwords"),
    FALLBACK_SUCCEEDED_OFFER(FlowState.FALLBACK_PENDING, FlowState.HEALING_PENDING, "password ok, offer passkey"),
    FALLBACK_SUCCEEDED(FlowState.FALLBACK_PENDING, FlowState.COMPLETED, "password ok, no offer"),
    FALLBACK_TO_PASSKEY(FlowState.FALLBACK_PENDING, FlowState.PASSKEY_PENDING, "user chose a passkey instead"),
    SILENT_CREATE_DECLINED(FlowState.HEALING_PENDING, FlowState.HEALING_PENDING, "silent creation declined, ask"),
    HEALED(FlowState.HEALING_PENDING, FlowState.COMPLETED, "new passkey stored"),
    HEALING_ENDED(FlowState.HEALING_PENDING, FlowState.COMPLETED, "declined, cancelled or failed");

    private static final Map<FlowState, Map<FlowState, FlowTransition>> TABLE = buildTable();

    private final FlowState from;
    private final FlowState to;
    private final String label;

    FlowTransition(FlowState from, FlowState to, String label) {
        this.from = from;
        this.to = to;
        this.label = label;
    }

    public FlowState from() {
        return from;
    }

    public FlowState to() {
        return to;
    }

    /** A short description for diagrams. */
    public String label() {
        return label;
    }

    /** Whether this transition may be taken from {@code state}. */
    public boolean isLegalFrom(FlowState state) {
        return from == state;
    }

    /** Any legal transition from {@code from} to {@code to}, if one exists. */
    public static Optional<FlowTransition> between(FlowState from, FlowState to) {
        return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(to));
    }

    /** The state machine as a Mermaid {@code stateDiagram-v2}. */
    public static String mermaidDiagram() {
        StringJoiner lines = new StringJoiner("\n", "", "\n");
        lines.add("stateDiagram-v2");
        lines.add("    [*] --> NEW");
        for (FlowTransition transition : values()) {
            lines.add("    " + transition.from + " --> " + transition.to + ": " + transition.label);
        }
        lines.add("    COMPLETED --> [*]");
        lines.add("    LOCKED --> [*]");
        return lines.toString();
    }

    private static Map<FlowState, Map<FlowState, FlowTransition>> buildTable() {
        Map<FlowState, Map<FlowState, FlowTransition>> table = new EnumMap<>(FlowState.class);
        for (FlowTransition transition : values()) {
            table.computeIfAbsent(transition.from, s -> new LinkedHashMap<>()).putIfAbsent(transition.to, transition);
        }
        table.replaceAll((state, targets) -> Collections.unmodifiableMap(targets));
        return Collections.unmodifiableMap(table);
    }
}
