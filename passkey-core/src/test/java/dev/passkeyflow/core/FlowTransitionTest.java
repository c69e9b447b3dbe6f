package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("FlowTransition, the table of legal moves")
class FlowTransitionTest {

    @Nested
    @DisplayName("each transition")
    class EachTransition {

        @ParameterizedTest(name = "{0}: {1} -> {2}")
        @CsvSource({
            "START_PASSKEY,            NEW,              PASSKEY_PENDING",
            "START_FALLBACK,           NEW,              FALLBACK_PENDING",
            "START_ENROLMENT,          NEW,              HEALING_PENDING",
            "START_USERNAMELESS,       NEW,              PASSKEY_PENDING",
            "PASSKEY_RETRY,            PASSKEY_PENDING,  PASSKEY_PENDING",
            "PASSKEY_FAILED,           PASSKEY_PENDING,  FALLBACK_PENDING",
            "PASSKEY_DECLINED,         PASSKEY_PENDING,  FALLBACK_PENDING",
            "PASSKEY_SUCCEEDED,        PASSKEY_PENDING,  COMPLETED",
            "PASSKEY_SUCCEEDED_OFFER,  PASSKEY_PENDING,  HEALING_PENDING",
            "FALLBACK_FAILED,          FALLBACK_PENDING, FALLBACK_PENDING",
            "FALLBACK_LOCKED,          FALLBACK_PENDING, LOCKED",
            "FALLBACK_SUCCEEDED_OFFER, FALLBACK_PENDING, HEALING_PENDING",
            "FALLBACK_SUCCEEDED,       FALLBACK_PENDING, COMPLETED",
            "FALLBACK_TO_PASSKEY,      FALLBACK_PENDING, PASSKEY_PENDING",
            "SILENT_CREATE_DECLINED,   HEALING_PENDING,  HEALING_PENDING",
            "HEALED,                   HEALING_PENDING,  COMPLETED",
            "HEALING_ENDED,            HEALING_PENDING,  COMPLETED"
        })
        @DisplayName("goes from the documented state to the documented state")
        void fromAndTo(FlowTransition transition, FlowState from, FlowState to) {
            assertThat(transition.from()).isEqualTo(from);
            assertThat(transition.to()).isEqualTo(to);
            assertThat(transition.isLegalFrom(from)).isTrue();
            assertThat(EnumSet.complementOf(EnumSet.of(from))).noneMatch(transition::isLegalFrom);
        }

        @Test
        @DisplayName("the table above lists them all")
        void seventeenTransitions() {
            assertThat(FlowTransition.values()).hasSize(17);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowTransition.class)
        @DisplayName("is found by between(from, to), as itself or as another cause of the same move")
        void foundByBetween(FlowTransition transition) {
            assertThat(FlowTransition.between(transition.from(), transition.to()))
                    .hasValueSatisfying(found -> {
                        assertThat(found.from()).isEqualTo(transition.from());
                        assertThat(found.to()).isEqualTo(transition.to());
                    });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowTransition.class)
        @DisplayName("has a short label for the diagram")
        void hasLabel(FlowTransition transition) {
            assertThat(transition.label())
                    .isNotBlank()
                    .doesNotContain("\n")
                    .doesNotContain(":")
                    .hasSizeLessThan(40);
        }
    }

    @Nested
    @DisplayName("between(from, to)")
    class Between {

        @ParameterizedTest(name = "{0} -> {1} is {2}")
        @CsvSource({
            "PASSKEY_PENDING,  FALLBACK_PENDING, PASSKEY_FAILED",
            "FALLBACK_PENDING, COMPLETED,        FALLBACK_SUCCEEDED",
            "HEALING_PENDING,  COMPLETED,        HEALED",
            "NEW,              PASSKEY_PENDING,  START_PASSKEY",
            "FALLBACK_PENDING, LOCKED,           FALLBACK_LOCKED"
        })
        @DisplayName("returns the first declared transition when several causes share a move")
        void firstDeclared(FlowState from, FlowState to, FlowTransition expected) {
            assertThat(FlowTransition.between(from, to)).contains(expected);
        }

        @ParameterizedTest(name = "{0} -> {1} is illegal")
        @CsvSource({
            "NEW,              COMPLETED",
            "NEW,              LOCKED",
            "FALLBACK_PENDING, NEW",
            "HEALING_PENDING,  FALLBACK_PENDING",
            "PASSKEY_PENDING,  NEW",
            "PASSKEY_PENDING,  LOCKED",
            "COMPLETED,        NEW",
            "LOCKED,           FALLBACK_PENDING",
            "HEALING_PENDING,  PASSKEY_PENDING"
        })
        @DisplayName("is empty for a move that is not in the table")
        void illegalMoves(FlowState from, FlowState to) {
            assertThat(FlowTransition.between(from, to)).isEmpty();
        }

        @Test
        @DisplayName("knows exactly the moves the transitions declare, for every pair of states")
        void exhaustive() {
            for (FlowState from : FlowState.values()) {
                for (FlowState to : FlowState.values()) {
                    boolean declared =
                            Arrays.stream(FlowTransition.values()).anyMatch(t -> t.from() == from && t.to() == to);
                    assertThat(FlowTransition.between(from, to).isPresent())
                            .as("%s -> %s", from, to)
                            .isEqualTo(declared);
                }
            }
        }
    }

    @Nested
    @DisplayName("terminal states")
    class Terminal {

        @Test
        @DisplayName("COMPLETED and LOCKED are terminal, every other state is not")
        void isTerminal() {
            assertThat(EnumSet.allOf(FlowState.class))
                    .filteredOn(FlowState::isTerminal)
                    .containsExactlyInAnyOrder(FlowState.COMPLETED, FlowState.LOCKED);
        }

        @ParameterizedTest(name = "nothing leaves {0}")
        @EnumSource(
                value = FlowState.class,
                names = {"COMPLETED", "LOCKED"})
        @DisplayName("no transition leaves a terminal state")
        void nothingLeaves(FlowState terminal) {
            assertThat(FlowTransition.values()).noneMatch(t -> t.from() == terminal);
            for (FlowState to : FlowState.values()) {
                assertThat(FlowTransition.between(terminal, to)).isEmpty();
            }
        }

        @Test
        @DisplayName("no transition returns to NEW")
        void nothingEntersNew() {
            assertThat(FlowTransition.values()).noneMatch(t -> t.to() == FlowState.NEW);
        }

        @Test
        @DisplayName("every state is reachable from NEW and every non-terminal state can reach COMPLETED")
        void reachability() {
            assertThat(reachableFrom(FlowState.NEW)).containsExactlyInAnyOrder(FlowState.values());
            for (FlowState state : FlowState.values()) {
                if (!state.isTerminal()) {
                    assertThat(reachableFrom(state)).as("from %s", state).contains(FlowState.COMPLETED);
                }
            }
        }

        private Set<FlowState> reachableFrom(FlowState start) {
            Set<FlowState> seen = EnumSet.of(start);
            Deque<FlowState> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty()) {
                FlowState state = queue.poll();
                for (FlowTransition t : FlowTransition.values()) {
                    if (t.from() == state && seen.add(t.to())) {
                        queue.add(t.to());
                    }
                }
            }
            return seen;
        }
    }

    @Nested
    @DisplayName("the Mermaid diagram")
    class Diagram {

        private final String diagram = LoginFlow.stateDiagram();
        private final List<String> lines = diagram.lines().toList();

        @Test
        @DisplayName("starts with stateDiagram-v2 and is the table's own diagram")
        void header() {
            assertThat(lines.get(0)).isEqualTo("stateDiagram-v2");
            assertThat(diagram).isEqualTo(FlowTransition.mermaidDiagram());
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowTransition.class)
        @DisplayName("has exactly one line for each transition, with its label")
        void lineForEachTransition(FlowTransition t) {
            String expected = "    " + t.from() + " --> " + t.to() + ": " + t.label();
            assertThat(lines).filteredOn(expected::equals).hasSize(1);
        }

        @Test
        @DisplayName("has no other state-to-state lines, and marks NEW as the start and both terminal states as ends")
        void nothingElse() {
            assertThat(lines)
                    .filteredOn(l -> l.contains("-->") && !l.contains("[*]"))
                    .hasSize(FlowTransition.values().length);
            assertThat(lines).contains("    [*] --> NEW", "    COMPLETED --> [*]", "    LOCKED --> [*]");
            assertThat(diagram).endsWith("\n");
        }
    }

    @Nested
    @DisplayName("triggers and guards")
    class TriggersAndGuards {

        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource({
            "START,                      NEW",
            "ENROL,                      NEW",
            "REPORT_CLIENT_ERROR,        PASSKEY_PENDING",
            "REPORT_IMMEDIATE_REJECTION, PASSKEY_PENDING",
            "FINISH_PASSKEY,             PASSKEY_PENDING",
            "CHOOSE_FALLBACK,            PASSKEY_PENDING",
            "RETRY_PASSKEY,              FALLBACK_PENDING",
            "FALLBACK_SUCCEEDED,         FALLBACK_PENDING",
            "FALLBACK_FAILED,            FALLBACK_PENDING",
            "FINISH_HEALING,             HEALING_PENDING",
            "REPORT_HEALING_ERROR,       HEALING_PENDING",
            "DECLINE_HEALING,            HEALING_PENDING"
        })
        @DisplayName("each call moves a flow from exactly one state")
        void callableFromOneState(FlowCall call, FlowState state) {
            assertThat(FlowTransition.isCallable(call, state)).isTrue();
            assertThat(EnumSet.complementOf(EnumSet.of(state)))
                    .noneMatch(other -> FlowTransition.isCallable(call, other));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowTransition.class)
        @DisplayName("every move names at least one call and a guard")
        void namesCallsAndGuard(FlowTransition t) {
            assertThat(t.triggers()).isNotEmpty();
            assertThat(t.guard()).isNotBlank();
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowCall.class)
        @DisplayName("every call takes at least one move")
        void everyCallMoves(FlowCall call) {
            assertThat(FlowTransition.values()).anyMatch(t -> t.triggers().contains(call));
        }

        @Test
        @DisplayName("moves one call can take from one state are told apart by different guards")
        void guardsDiffer() {
            for (FlowTransition a : FlowTransition.values()) {
                for (FlowTransition b : FlowTransition.values()) {
                    boolean shareCall = a.triggers().stream().anyMatch(b.triggers()::contains);
                    if (a != b && a.from() == b.from() && shareCall) {
                        assertThat(a.guard()).as(a + " vs " + b).isNotEqualTo(b.guard());
                    }
                }
            }
        }

        @Test
        @DisplayName("requireCallable refuses a call the state has no move for, naming the state it needs")
        void refusesIllegal() {
            assertThatThrownBy(() -> FlowTransition.requireCallable(FlowCall.FINISH_PASSKEY, FlowState.COMPLETED))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.ILLEGAL_TRANSITION))
                    .hasMessageContaining("COMPLETED")
                    .hasMessageContaining("PASSKEY_PENDING");
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(FlowCall.class)
        @DisplayName("requireCallable answers LOCKED for any call on a locked flow")
        void lockedIsLocked(FlowCall call) {
            assertThatThrownBy(() -> FlowTransition.requireCallable(call, FlowState.LOCKED))
                    .isInstanceOfSatisfying(
                            LoginFlowException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFlowException.Reason.LOCKED));
        }

        @Test
        @DisplayName("requireCallable lets a legal call through")
        void allowsLegal() {
            assertThatCode(() -> FlowTransition.requireCallable(FlowCall.FALLBACK_FAILED, FlowState.FALLBACK_PENDING))
                    .doesNotThrowAnyException();
        }
    }
}
