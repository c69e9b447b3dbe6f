package dev.passkeyflow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("StoredCredential")
class StoredCredentialTest {

    private static StoredCredential withUserHandle(Bytes userHandle) {
        return new StoredCredential(
                Bytes.of(new byte[] {7}),
                userHandle,
                Bytes.of(new byte[] {1}),
                0,
                Set.of(),
                false,
                false,
                null,
                Instant.parse("2025-01-01T00:00:00Z"),
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 32, UserAccount.MAX_USER_HANDLE_LENGTH})
    @DisplayName("accepts the user handles an account can have")
    void acceptsAccountHandles(int length) {
        Bytes handle = Bytes.of(new byte[length]);

        assertThat(withUserHandle(handle).userHandle()).isEqualTo(handle);
        assertThat(new UserAccount(handle, "alice", "Alice").userHandle()).isEqualTo(handle);
    }

    @Test
    @DisplayName("rejects an empty user handle and one longer than 64 bytes, as UserAccount does")
    void rejectsHandlesNoAccountCanHave() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> withUserHandle(Bytes.of(new byte[0])))
                .withMessage("userHandle must be 1 to 64 bytes, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> withUserHandle(Bytes.of(new byte[UserAccount.MAX_USER_HANDLE_LENGTH + 1])))
                .withMessage("userHandle must be 1 to 64 bytes, was 65");
    }
}
