package dev.passkeyflow.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Every legal move of a login flow: one constant per from-to pair and cause. A flow is always in
 * one {@link FlowState}; each {@link LoginFlow} call that can move it is a {@link FlowCall}, whose
 * javadoc names the method. This table is the one place that says which call may move a flow where.
 *
 * <p><b>Reading a row</b>: {@code NAME(from, to, label, guard, calls...)}. When one of the
 * {@code calls} is made on a flow in {@code from} and the {@code guard} holds, the flow moves to
 * {@code to}; the {@code label} says why in a few words (it is the arrow's text in the state
 * diagram, {@link #mermaidDiagram()}, which README shows). For example, {@code FALLBACK_SUCCEEDED_OFFER}
 * is taken by {@code fallbackSucceeded} on a {@code FALLBACK_PENDING} flow when the account exists
 * and the advisor offers a passkey that is not cooling down; it leads to {@code HEALING_PENDING},
 * which {@code finishHealing}, {@code reportHealingError} or {@code declineHealing} end. When one
 * call has several moves from one state (such as {@code finishPasskey} on a
 * {@code PASSKEY_PENDING} flow: retry, fall back, succeed, or succeed with an offer), their guards
 * exclude one another, so exactly one is taken.
 *
 * <p><b>Refused calls change nothing.</b> A call on a flow whose state has no move for that call
 * is refused with {@link LoginFlowException.Reason#ILLEGAL_TRANSITION}
 * ({@link LoginFlowException.Reason#LOCKED} on a locked flow); {@link #requireCallable} is that one
 * legality check, made before the call does any work. {@code NEW} is a flow not yet stored: the
 * {@code START_} moves create it. {@code COMPLETED} and {@code LOCKED} have no moves out. A call that is legal in the flow's state is still refused, before it moves anything,
 * when
 * <ul>
 *   <li>its input is malformed or too large (an identifier, a browser response, an error name):
 *       {@link LoginFlowException.Reason#INVALID_INPUT};
 *   <li>the throttle's window is used up ({@code start}, {@code fallbackSucceeded},
 *       {@code fallbackFailed}): {@link LoginFlowException.Reason#THROTTLED};
 *   <li>the guard of the call's only move does not hold: {@code enrol} for an identifier that names
 *       no account ({@link LoginFlowException.Reason#UNKNOWN_USER}), {@code retryPasskey} with no
 *       passkey left to try, {@code silentCreateDeclined} on an offer that was not silent (both
 *       {@link LoginFlowException.Reason#ILLEGAL_TRANSITION}).
 * </ul>
 * One move ends with an exception on purpose: {@code FALLBACK_LOCKED} stores the flow locked, then
 * the call throws {@link LoginFlowException.Reason#LOCKED}. A failed passkey attempt is not a
 * refusal: it is {@code PASSKEY_RETRY} or {@code PASSKEY_FAILED}, recorded in the history.
 */
public enum FlowTransition {
    START_PASSKEY(
            FlowState.NEW,
            FlowState.PASSKEY_PENDING,
            "passkey likely",
            "the account has a passkey that accepts logins and the advisor does not say fall back",
            FlowCall.START),
    START_FALLBACK(
            FlowState.NEW,
            FlowState.FALLBACK_PENDING,
            "no usable passkey",
            "unknown identifier, no passkey that accepts logins, or the advisor says fall back",
            FlowCall.START),
    START_ENROLMENT(
            FlowState.NEW,
            FlowState.HEALING_PENDING,
            "host session adds a passkey",
            "the identifier names an account (the host vouches that its user is signed in)",
            FlowCall.ENROL),
    START_USERNAMELESS(
            FlowState.NEW,
            FlowState.PASSKEY_PENDING,
            "no identifier, autofill",
            "always: the account is unknown until a verified credential names it",
            FlowCall.START_USERNAMELESS),
    PASSKEY_RETRY(
            FlowState.PASSKEY_PENDING,
            FlowState.PASSKEY_PENDING,
            "failed, retry",
            "the attempt failed, the advisor says retry, attempts are left and a passkey accepts logins",
            FlowCall.REPORT_CLIENT_ERROR,
            FlowCall.REPORT_IMMEDIATE_REJECTION,
            FlowCall.FINISH_PASSKEY),
    PASSKEY_FAILED(
            FlowState.PASSKEY_PENDING,
            FlowState.FALLBACK_PENDING,
            "failed, fall back",
            "the attempt failed and no retry is allowed (advisor, attempts used up, no usable passkey)",
            FlowCall.REPORT_CLIENT_ERROR,
            FlowCall.REPORT_IMMEDIATE_REJECTION,
            FlowCall.FINISH_PASSKEY),
    PASSKEY_DECLINED(
            FlowState.PASSKEY_PENDING,
            FlowState.FALLBACK_PENDING,
            "user chose password",
            "always",
            FlowCall.CHOOSE_FALLBACK),
    PASSKEY_SUCCEEDED(
            FlowState.PASSKEY_PENDING,
            FlowState.COMPLETED,
            "assertion verified",
            "the assertion verified for the flow's account and no local passkey is offered (not a"
                    + " cross-device login, the advisor offers none, or its offer is cooling down)",
            FlowCall.FINISH_PASSKEY),
    PASSKEY_SUCCEEDED_OFFER(
            FlowState.PASSKEY_PENDING,
            FlowState.HEALING_PENDING,
            "hybrid login, offer a local passkey",
            "the assertion verified from another device (cross-platform), this device can create a passkey,"
                    + " and the advisor offers one that is not cooling down (OfferCooldowns)",
            FlowCall.FINISH_PASSKEY),
    FALLBACK_FAILED(
            FlowState.FALLBACK_PENDING,
            FlowState.FALLBACK_PENDING,
            "password wrong",
            "fewer failed traditional logins than the maximum",
            FlowCall.FALLBACK_FAILED),
    FALLBACK_LOCKED(
            FlowState.FALLBACK_PENDING,
            FlowState.LOCKED,
            "too many wrong passwords",
            "the maximum of failed traditional logins is reached",
            FlowCall.FALLBACK_FAILED),
    FALLBACK_SUCCEEDED_OFFER(
            FlowState.FALLBACK_PENDING,
            FlowState.HEALING_PENDING,
            "password ok, offer passkey",
            "the account exists and the advisor offers a passkey that is not cooling down (OfferCooldowns)",
            FlowCall.FALLBACK_SUCCEEDED),
    FALLBACK_SUCCEEDED(
            FlowState.FALLBACK_PENDING,
            FlowState.COMPLETED,
            "password ok, no offer",
            "no account has the identifier, the advisor offers no passkey, or its offer is cooling down",
            FlowCall.FALLBACK_SUCCEEDED),
    FALLBACK_TO_PASSKEY(
            FlowState.FALLBACK_PENDING,
            FlowState.PASSKEY_PENDING,
            "user chose a passkey instead",
            "the account has a passkey that accepts logins and passkey attempts are left",
            FlowCall.RETRY_PASSKEY),
    SILENT_CREATE_DECLINED(
            FlowState.HEALING_PENDING,
            FlowState.HEALING_PENDING,
            "silent creation declined, ask",
            "the pending offer is silent (conditional create)",
            FlowCall.SILENT_CREATE_DECLINED),
    HEALED(
            FlowState.HEALING_PENDING,
            FlowState.COMPLETED,
            "new passkey stored",
            "the registration verified and its credential id is new, or already this account's with the"
                    + " same public key",
            FlowCall.FINISH_HEALING),
    HEALING_ENDED(
            FlowState.HEALING_PENDING,
            FlowState.COMPLETED,
            "declined, cancelled or failed",
            "the user declined, the browser reported an error, or the registration was refused",
            FlowCall.FINISH_HEALING,
            FlowCall.REPORT_HEALING_ERROR,
            FlowCall.DECLINE_HEALING);

    private static final Map<FlowState, Map<FlowState, FlowTransition>> TABLE = buildTable();
    private static final Map<FlowState, Set<FlowCall>> CALLABLE = buildCallable();

    private final FlowState from;
    private final FlowState to;
    private final String label;
    private final String guard;

    @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable copy, never changed after construction
    private final Set<FlowCall> triggers;

    FlowTransition(FlowState from, FlowState to, String label, String guard, FlowCall first, FlowCall... more) {
        this.from = from;
        this.to = to;
        this.label = label;
        this.guard = guard;
        this.triggers = Collections.unmodifiableSet(EnumSet.of(first, more));
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

    /** The calls that take this move; never empty. */
    public Set<FlowCall> triggers() {
        return triggers;
    }

    /** When one of {@link #triggers()} on a flow in {@link #from()} takes this move rather than another. */
    public String guard() {
        return guard;
    }

    /** Whether this transition may be taken from {@code state}. */
    public boolean isLegalFrom(FlowState state) {
        return from == state;
    }

    /** Whether {@code call} may move a flow in {@code state} at all (by one of the moves it triggers). */
    public static boolean isCallable(FlowCall call, FlowState state) {
        return Objects.requireNonNull(CALLABLE.get(state)).contains(call);
    }

    /**
     * The legality check of every call on a stored flow, made before the call does any work.
     *
     * @throws LoginFlowException {@code LOCKED} on a locked flow; {@code ILLEGAL_TRANSITION} when no
     *     move from {@code state} is triggered by {@code call}
     */
    public static void requireCallable(FlowCall call, FlowState state) {
        if (state == FlowState.LOCKED) {
            throw new LoginFlowException(LoginFlowException.Reason.LOCKED, "too many failed logins; start again later");
        }
        if (!isCallable(call, state)) {
            throw new LoginFlowException(
                    LoginFlowException.Reason.ILLEGAL_TRANSITION,
                    "the flow is " + state + ", " + call + " needs " + statesFor(call));
        }
    }

    private static String statesFor(FlowCall call) {
        StringJoiner states = new StringJoiner(" or ");
        for (FlowState state : FlowState.values()) {
            if (isCallable(call, state)) {
                states.add(state.name());
            }
        }
        return states.toString();
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

    private static Map<FlowState, Set<FlowCall>> buildCallable() {
        Map<FlowState, Set<FlowCall>> callable = new EnumMap<>(FlowState.class);
        for (FlowState state : FlowState.values()) {
            callable.put(state, EnumSet.noneOf(FlowCall.class));
        }
        for (FlowTransition transition : values()) {
            Objects.requireNonNull(callable.get(transition.from)).addAll(transition.triggers);
        }
        callable.replaceAll((state, calls) -> Collections.unmodifiableSet(calls));
        return Collections.unmodifiableMap(callable);
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
