package dev.passkeyflow.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryCredentialRepository specifics")
class InMemoryCredentialRepositoryTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static StoredCredential credential(String id, Bytes user, Instant createdAt) {
        return new StoredCredential(
                Bytes.of(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                user,
                Bytes.of(new byte[] {1}),
                0,
                Set.of(),
                false,
                false,
                null,
                createdAt,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
    }

    @Test
    @DisplayName("credentials registered at the same instant are listed in registration order")
    void sameInstantInRegistrationOrder() {
        var repository = new InMemoryCredentialRepository();
        Bytes user = Bytes.of(new byte[] {7});
        repository.saveUser(new UserAccount(user, "u", "U"));
        for (String id : new String[] {"c", "a", "b"}) {
            repository.saveCredential(credential(id, user, T0));
        }

        assertThat(repository.listCredentials(user))
                .extracting(c -> new String(c.credentialId().toByteArray(), java.nio.charset.StandardCharsets.UTF_8))
                .containsExactly("c", "a", "b");
    }

    @Test
    @DisplayName("a null argument is named in the exception")
    void nullNamed() {
        var repository = new InMemoryCredentialRepository();
        assertThatNullPointerException()
                .isThrownBy(() -> repository.findUserByIdentifier(null))
                .withMessage("identifier");
        assertThatNullPointerException()
                .isThrownBy(() -> repository.recordUse(Bytes.of(new byte[] {1}), 0, false, T0, null))
                .withMessage("usedOn");
    }
}
