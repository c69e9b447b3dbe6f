package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("LoginThrottle")
class LoginThrottleTest {

    @Test
    @DisplayName("defaults to 10/30 failures per 15 minutes and 30/120 starts per 5 minutes")
    void defaults() {
        LoginThrottle throttle = LoginThrottle.ofDefaults();

        assertThat(throttle.maxFailuresPerIdentifier()).isEqualTo(10);
        assertThat(throttle.maxFailuresPerDevice()).isEqualTo(30);
        assertThat(throttle.failureWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.maxStartsPerIdentifier()).isEqualTo(30);
        assertThat(throttle.maxStartsPerDevice()).isEqualTo(120);
        assertThat(throttle.startWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    @DisplayName("keeps every value set")
    void custom() {
        LoginThrottle throttle = LoginThrottle.custom()
                .maxFailuresPerIdentifier(3)
                .maxFailuresPerDevice(4)
                .failureWindow(Duration.ofMinutes(1))
                .maxStartsPerIdentifier(5)
                .maxStartsPerDevice(6)
                .startWindow(Duration.ofSeconds(30))
                .build();

        assertThat(throttle.maxFailuresPerIdentifier()).isEqualTo(3);
        assertThat(throttle.maxFailuresPerDevice()).isEqualTo(4);
        assertThat(throttle.failureWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.maxStartsPerIdentifier()).isEqualTo(5);
        assertThat(throttle.maxStartsPerDevice()).isEqualTo(6);
        assertThat(throttle.startWindow()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, LoginThrottle.MAX_LIMIT + 1})
    @DisplayName("refuses a limit out of range, naming the value")
    void badLimit(int value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoginThrottle.custom().maxFailuresPerIdentifier(value))
                .withMessageContaining("maxFailuresPerIdentifier")
                .withMessageContaining(Integer.toString(value));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoginThrottle.custom().maxStartsPerDevice(value))
                .withMessageContaining("maxStartsPerDevice");
    }

    @Test
    @DisplayName("refuses windows under a second, over a day, with fractions of a second, or null")
    void badWindow() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoginThrottle.custom().failureWindow(Duration.ZERO))
                .withMessageContaining("failureWindow");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoginThrottle.custom().startWindow(Duration.ofDays(2)))
                .withMessageContaining("startWindow");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoginThrottle.custom().failureWindow(Duration.ofMillis(1500)));
        assertThatNullPointerException().isThrownBy(() -> LoginThrottle.custom().startWindow(null));
    }
}
