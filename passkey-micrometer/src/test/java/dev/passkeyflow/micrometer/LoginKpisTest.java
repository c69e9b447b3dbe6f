package dev.passkeyflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import dev.passkeyflow.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginKpisTest {

    private static ScriptedLogins scenario() {
        ScriptedLogins logins = new ScriptedLogins(UnaryOperator.identity(), UnaryOperator.identity());
        logins.runScenario();
        return logins;
    }

    @Test
    @DisplayName("KPIs from the events of the scripted scenario match the counts worked out by hand")
    void fromEvents() {
        LoginKpis kpis = LoginKpis.fromEvents(scenario().events);

        assertThat(kpis.source()).isEqualTo(LoginKpis.Source.EVENTS);
        assertThat(kpis.unobserved())
                .as("events show every count, silent offers included")
                .isEmpty();
        assertThat(kpis.loginFlowsStarted())
                .as("flows 1-7; the four enrolments are left out")
                .isEqualTo(7);
        assertThat(kpis.passkeyLogins()).as("flow 1").isEqualTo(1);
        assertThat(kpis.fallbackLogins()).as("flows 2, 3, 5, 6, 7").isEqualTo(5);
        assertThat(kpis.loginsCompleted()).isEqualTo(6);
        assertThat(kpis.fallbackNoPasskey()).as("flows 3 and 4").isEqualTo(2);
        assertThat(kpis.fallbackPasskeyUnavailable()).as("flow 5").isEqualTo(1);
        assertThat(kpis.fallbackAfterPasskeyFailure()).as("flows 2 and 7").isEqualTo(2);
        assertThat(kpis.manualFallback()).as("flow 6").isEqualTo(1);
        assertThat(kpis.healOffered()).as("flows 2 and 7").isEqualTo(2);
        assertThat(kpis.healAccepted())
                .as("flow 2 healed, flow 7 cancelled the OS dialog")
                .isEqualTo(2);
        assertThat(kpis.healCompleted()).as("flow 2").isEqualTo(1);
        assertThat(kpis.appendOffered()).as("flow 3").isEqualTo(1);
        assertThat(kpis.appendCompleted()).as("flow 3 declined").isZero();
        assertThat(kpis.loginSuccessRate()).hasValueCloseTo(6.0 / 7, within(1e-9));
        assertThat(kpis.passkeyLoginRate()).hasValueCloseTo(1.0 / 6, within(1e-9));
        assertThat(kpis.healAcceptanceRate()).hasValueCloseTo(1.0, within(1e-9));
        assertThat(kpis.healCompletionRate()).hasValueCloseTo(0.5, within(1e-9));
    }

    @Test
    @DisplayName(
            "silent upgrades: attempted ones from the silent offers' events, created ones from the silent Healed events")
    void silentUpgrades() {
        ScriptedLogins logins = new ScriptedLogins(UnaryOperator.identity(), UnaryOperator.identity());
        logins.runSilentUpgrades();

        LoginKpis kpis = LoginKpis.fromEvents(logins.events, logins.silentOffers);
        assertThat(kpis.unobserved()).isEmpty();
        assertThat(kpis.loginFlowsStarted())
                .as("flows 1-3; gina's enrolment is left out")
                .isEqualTo(3);
        assertThat(kpis.silentUpgradesAttempted()).as("flows 1 and 2").isEqualTo(2);
        assertThat(kpis.silentUpgradesCreated())
                .as("flow 1; flow 2 healed through the explicit offer")
                .isEqualTo(1);
        assertThat(kpis.silentUpgradeRate()).hasValueCloseTo(0.5, within(1e-9));
        assertThat(kpis.appendOffered()).as("flows 1 and 3").isEqualTo(2);
        assertThat(kpis.appendCompleted()).as("flow 1, silently").isEqualTo(1);
        assertThat(kpis.healOffered()).as("flow 2").isEqualTo(1);
        assertThat(kpis.healCompleted()).as("flow 2, explicitly").isEqualTo(1);

        LoginKpis eventsOnly = LoginKpis.fromEvents(logins.events);
        assertThat(eventsOnly)
                .as("the host's own record of silent offers adds nothing to the events")
                .isEqualTo(kpis);
        assertThat(logins.events)
                .filteredOn(e -> e instanceof LoginFlowEvent.HealingOffered o && o.silent())
                .as("flows 1 and 2 made a silent offer")
                .hasSize(2);
        assertThat(LoginKpis.fromEvents(logins.events, Set.of("a-flow-not-among-the-events"))
                        .silentUpgradesAttempted())
                .as("the id of a flow not among the events adds nothing")
                .isEqualTo(2);
    }

    @Test
    @DisplayName("the scripted scenario has no silent upgrade, and history cannot see silent upgrades")
    void noSilentUpgradeInTheScenario() {
        ScriptedLogins logins = scenario();
        assertThat(logins.silentOffers).isEmpty();
        LoginKpis kpis = LoginKpis.fromEvents(logins.events, logins.silentOffers);
        assertThat(kpis.silentUpgradesAttempted()).isZero();
        assertThat(kpis.silentUpgradesCreated()).isZero();
        assertThat(kpis.silentUpgradeRate()).isEmpty();
        assertThat(LoginKpis.fromAttempts(logins.allAttempts()).unobserved())
                .contains(LoginKpis.Count.SILENT_UPGRADES_ATTEMPTED, LoginKpis.Count.SILENT_UPGRADES_CREATED);
    }

    @Test
    @DisplayName("KPIs do not depend on the order in which the events arrive")
    void orderIndependent() {
        List<LoginFlowEvent> events = new ArrayList<>(scenario().events);
        LoginKpis inOrder = LoginKpis.fromEvents(events);
        Collections.shuffle(events, new Random(7));
        assertThat(LoginKpis.fromEvents(events)).isEqualTo(inOrder);
    }

    @Test
    @DisplayName("KPIs from the stored attempts count what history holds and mark the rest unobserved")
    void fromAttempts() {
        LoginKpis kpis = LoginKpis.fromAttempts(scenario().allAttempts());

        assertThat(kpis.source()).isEqualTo(LoginKpis.Source.ATTEMPTS);
        assertThat(kpis.passkeyLogins()).as("flow 1").isEqualTo(1);
        assertThat(kpis.fallbackLogins())
                .as("flows 2, 3, 5, 6, 7 (known accounts)")
                .isEqualTo(5);
        assertThat(kpis.healAccepted())
                .as("flow 2 registered, flow 7 cancelled")
                .isEqualTo(2);
        assertThat(kpis.healCompleted()).as("flow 2").isEqualTo(1);
        assertThat(kpis.passkeyLoginRate()).hasValueCloseTo(1.0 / 6, within(1e-9));
        assertThat(kpis.unobserved())
                .contains(
                        LoginKpis.Count.LOGIN_FLOWS_STARTED,
                        LoginKpis.Count.HEAL_OFFERED,
                        LoginKpis.Count.MANUAL_FALLBACK);
        assertThat(kpis.loginSuccessRate()).as("starts are not stored").isEmpty();
        assertThat(kpis.healCompletionRate()).as("offers are not stored").isEmpty();
    }

    @Test
    @DisplayName(
            "the same scenario on JDBC storage (H2) gives the same KPIs from its events and from its stored history")
    void onJdbcStorage() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:kpis-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        MutableClock clock = new MutableClock();
        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(dataSource)
                .initializeSchema(true)
                .clock(clock)
                .build();
        ScriptedLogins onH2 = new ScriptedLogins(clock, storage, (self, b) -> b, UnaryOperator.identity());
        onH2.runScenario();
        ScriptedLogins inMemory = scenario();

        assertThat(LoginKpis.fromEvents(onH2.events)).isEqualTo(LoginKpis.fromEvents(inMemory.events));
        LoginKpis history = LoginKpis.fromHistory(
                storage.attempts(),
                onH2.users.stream()
                        .map(dev.passkeyflow.storage.UserAccount::userHandle)
                        .toList(),
                Instant.EPOCH,
                1000);
        assertThat(history).isEqualTo(LoginKpis.fromAttempts(inMemory.allAttempts()));
        assertThat(history.passkeyLogins()).as("flow 1").isEqualTo(1);
        assertThat(history.healCompleted()).as("flow 2").isEqualTo(1);
    }

    @Test
    @DisplayName("a history window reaching back to no attempt gives zero counts, and a bad limit is refused")
    void historyWindow() {
        ScriptedLogins logins = scenario();
        List<Bytes> handles = logins.users.stream()
                .map(dev.passkeyflow.storage.UserAccount::userHandle)
                .toList();
        LoginKpis later = LoginKpis.fromHistory(
                logins.attempts, handles, logins.clock.instant().plusSeconds(1), 100);
        assertThat(later.passkeyLogins() + later.fallbackLogins()).isZero();
        assertThatThrownBy(() -> LoginKpis.fromHistory(logins.attempts, handles, Instant.EPOCH, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limitPerUser");
    }

    @Test
    @DisplayName("no events give zero counts and empty rates, not a division by zero")
    void empty() {
        LoginKpis kpis = LoginKpis.fromEvents(List.of());
        assertThat(kpis.loginFlowsStarted()).isZero();
        assertThat(kpis.loginSuccessRate()).isEmpty();
        assertThat(kpis.passkeyLoginRate()).isEmpty();
        assertThat(kpis.healAcceptanceRate()).isEmpty();
    }

    @Test
    @DisplayName("a negative count is refused with the value named")
    void negativeCount() {
        assertThatThrownBy(() -> new LoginKpis(LoginKpis.Source.EVENTS, Set.of(), 1, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
        assertThatThrownBy(() ->
                        new LoginKpis(LoginKpis.Source.EVENTS, Set.of(), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-3");
    }

    @Test
    @DisplayName("the constructor without silent-upgrade counts marks them unobserved")
    void olderConstructor() {
        LoginKpis kpis = new LoginKpis(LoginKpis.Source.EVENTS, Set.of(), 4, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(kpis.unobserved())
                .containsExactlyInAnyOrder(
                        LoginKpis.Count.SILENT_UPGRADES_ATTEMPTED, LoginKpis.Count.SILENT_UPGRADES_CREATED);
        assertThat(kpis.silentUpgradeRate()).isEmpty();
        assertThat(kpis.loginSuccessRate()).hasValueCloseTo(0.75, within(1e-9));
    }
}
