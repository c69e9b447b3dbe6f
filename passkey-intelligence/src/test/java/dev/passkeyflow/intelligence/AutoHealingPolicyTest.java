package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("AutoHealingPolicy")
class AutoHealingPolicyTest {

    @Test
    @DisplayName("the defaults follow the published guidance")
    void defaults() {
        AutoHealingPolicy p = AutoHealingPolicy.ofDefaults();
        assertThat(p.failuresBeforeFallback()).isEqualTo(2);
        assertThat(p.firstCancelCounts()).isTrue();
        assertThat(p.fallBackAtOnceWhenPasskeyAbsent())
                .isTrue()
                .isEqualTo(AutoHealingPolicy.DEFAULT_FALL_BACK_AT_ONCE_WHEN_PASSKEY_ABSENT);
        assertThat(p.maxConsecutiveOffers()).isEqualTo(3);
        assertThat(p.cooldownAfterMaxOffers()).isEqualTo(Duration.ofDays(30));
        assertThat(p.requireLocalCreateCapability()).isTrue();
        assertThat(p.replacedCredentialHandling()).isEqualTo(AutoHealingPolicy.ReplacedCredentialHandling.FLAG);
        assertThat(p.historyLimit()).isEqualTo(AutoHealingPolicy.DEFAULT_HISTORY_LIMIT);
        assertThat(AutoHealingPolicy.custom().build())
                .usingRecursiveComparison()
                .isEqualTo(p);
    }

    @Test
    @DisplayName("from(base) copies every value and changes only what is set")
    void fromBase() {
        AutoHealingPolicy base = AutoHealingPolicy.custom()
                .failuresBeforeFallback(3)
                .historyLimit(50)
                .cooldownAfterDecline(Duration.ofDays(14))
                .fallBackAtOnceWhenPasskeyAbsent(false)
                .build();
        AutoHealingPolicy copy =
                AutoHealingPolicy.from(base).maxConsecutiveOffers(5).build();
        assertThat(copy.fallBackAtOnceWhenPasskeyAbsent()).isFalse();
        assertThat(copy.toString()).contains("fallBackAtOnceWhenPasskeyAbsent=false");
        assertThat(copy.failuresBeforeFallback()).isEqualTo(3);
        assertThat(copy.historyLimit()).isEqualTo(50);
        assertThat(copy.cooldownAfterDecline()).isEqualTo(Duration.ofDays(14));
        assertThat(copy.maxConsecutiveOffers()).isEqualTo(5);
        assertThat(base.maxConsecutiveOffers()).isEqualTo(3);
        assertThat(copy.toString()).contains("maxConsecutiveOffers=5");
    }

    @Nested
    @DisplayName("every setter names the bad value")
    class Validation {

        @Test
        @DisplayName("counts out of range")
        void counts() {
            assertThatThrownBy(() -> AutoHealingPolicy.custom().failuresBeforeFallback(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("failuresBeforeFallback")
                    .hasMessageContaining("was 0");
            assertThatThrownBy(() -> AutoHealingPolicy.custom().historyLimit(5001))
                    .hasMessageContaining("historyLimit")
                    .hasMessageContaining("was 5001");
            assertThatThrownBy(() -> AutoHealingPolicy.custom().maxConsecutiveOffers(0))
                    .hasMessageContaining("maxConsecutiveOffers")
                    .hasMessageContaining("was 0");
        }

        @Test
        @DisplayName("durations out of range or missing")
        void durations() {
            assertThatThrownBy(() -> AutoHealingPolicy.custom().historyWindow(Duration.ofHours(2)))
                    .hasMessageContaining("historyWindow")
                    .hasMessageContaining("PT2H");
            assertThatThrownBy(() -> AutoHealingPolicy.custom().cooldownAfterDecline(Duration.ofDays(-1)))
                    .hasMessageContaining("cooldownAfterDecline");
            assertThatThrownBy(() -> AutoHealingPolicy.custom().negativeHistoryDuration(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("negativeHistoryDuration");
        }

        @Test
        @DisplayName("contradicting settings are rejected at build time")
        void conflicts() {
            assertThatThrownBy(() -> AutoHealingPolicy.custom()
                            .immediateFailureThreshold(Duration.ofSeconds(10))
                            .timeoutLikeThreshold(Duration.ofSeconds(5))
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("immediateFailureThreshold");
            assertThatThrownBy(() -> AutoHealingPolicy.custom()
                            .historyWindow(Duration.ofDays(10))
                            .replacedCredentialHandling(
                                    AutoHealingPolicy.ReplacedCredentialHandling.RETIRE_WHEN_CERTAIN)
                            .build())
                    .hasMessageContaining("retireOnlyIfUnusedElsewhereFor");
        }
    }
}
