package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The start decision's cost")
class StartDecisionCostTest {

    private final Fixture fx = new Fixture();
    private final List<Integer> limits = new ArrayList<>();

    private PasskeyIntelligence countingIntelligence() {
        LoginAttemptRepository counting = new LoginAttemptRepository() {
            @Override
            public void append(LoginAttempt attempt) {
                fx.attempts.append(attempt);
            }

            @Override
            public List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit) {
                limits.add(limit);
                return fx.attempts.recentByUser(userHandle, since, limit);
            }

            @Override
            public List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit) {
                limits.add(limit);
                return fx.attempts.recentByDevice(deviceId, since, limit);
            }

            @Override
            public List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit) {
                limits.add(limit);
                return fx.attempts.recentByCredential(credentialId, since, limit);
            }

            @Override
            public int purgeOlderThan(Instant cutoff) {
                return fx.attempts.purgeOlderThan(cutoff);
            }
        };
        return PasskeyIntelligence.builder()
                .credentialRepository(fx.credentials)
                .loginAttemptRepository(counting)
                .build();
    }

    @Test
    @DisplayName("reads only a short page when this device's last word is a success, whatever the history size")
    void shortPageAfterSuccess() {
        StoredCredential passkey = fx.icloudOnMac();
        for (int i = 0; i < 300; i++) {
            fx.failure(Fixture.MAC, 4_000);
            fx.advance(Duration.ofMinutes(1));
        }
        fx.success(passkey, Fixture.MAC);

        StartDecision decision = countingIntelligence().onStart(fx.start(Fixture.mac()));

        assertThat(decision.action()).isEqualTo(StartDecision.Action.ATTEMPT_AUTOMATICALLY);
        assertThat(limits).hasSize(1).allSatisfy(limit -> assertThat(limit).isLessThanOrEqualTo(8));
    }

    @Test
    @DisplayName("reads the full window when a failure came after the last success (near miss)")
    void fullReadAfterFailure() {
        StoredCredential passkey = fx.icloudOnMac();
        fx.success(passkey, Fixture.MAC);
        fx.advance(Duration.ofMinutes(1));
        fx.failure(Fixture.MAC, 40);

        countingIntelligence().onStart(fx.start(Fixture.mac()));

        assertThat(limits).anySatisfy(limit -> assertThat(limit).isEqualTo(AutoHealingPolicy.DEFAULT_HISTORY_LIMIT));
    }
}
