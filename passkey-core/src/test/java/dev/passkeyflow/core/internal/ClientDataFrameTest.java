package dev.passkeyflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClientDataFrame (crossOrigin / topOrigin, WebAuthn L3 §7.1 steps 10-11, §7.2 steps 13-14)")
class ClientDataFrameTest {

    private static final Set<String> ALLOWED = Set.of("https://portal.example");

    private static ClientDataFrame frame(String members) {
        return ClientDataFrame.of(
                ("{\"type\":\"webauthn.get\",\"challenge\":\"AA\",\"origin\":\"https://example.com\"" + members + "}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a top-level page is allowed whether crossOrigin is false or absent")
    void topLevel() {
        assertThat(frame(",\"crossOrigin\":false").allowedBy(Set.of())).isTrue();
        assertThat(frame("").allowedBy(Set.of())).isTrue();
    }

    @Test
    @DisplayName("a cross-origin iframe is allowed only with a listed topOrigin")
    void crossOrigin() {
        assertThat(frame(",\"crossOrigin\":true,\"topOrigin\":\"https://portal.example\"")
                        .allowedBy(ALLOWED))
                .isTrue();
        assertThat(frame(",\"crossOrigin\":true,\"topOrigin\":\"https://portal.example\"")
                        .allowedBy(Set.of()))
                .isFalse();
        assertThat(frame(",\"crossOrigin\":true,\"topOrigin\":\"https://evil.example\"")
                        .allowedBy(ALLOWED))
                .isFalse();
    }

    @Test
    @DisplayName("crossOrigin true without topOrigin, and topOrigin without crossOrigin, are judged by the list")
    void partialFrames() {
        assertThat(frame(",\"crossOrigin\":true").allowedBy(ALLOWED)).isFalse();
        assertThat(frame(",\"topOrigin\":\"https://portal.example\"").allowedBy(ALLOWED))
                .isTrue();
        assertThat(frame(",\"topOrigin\":\"https://evil.example\"").allowedBy(ALLOWED))
                .isFalse();
    }

    @Test
    @DisplayName("members of the wrong JSON type are refused (strict)")
    void malformed() {
        assertThat(frame(",\"crossOrigin\":\"false\"").allowedBy(ALLOWED)).isFalse();
        assertThat(frame(",\"crossOrigin\":true,\"topOrigin\":42").allowedBy(ALLOWED))
                .isFalse();
        assertThat(ClientDataFrame.of("not json".getBytes(StandardCharsets.UTF_8))
                        .allowedBy(ALLOWED))
                .isFalse();
    }
}
