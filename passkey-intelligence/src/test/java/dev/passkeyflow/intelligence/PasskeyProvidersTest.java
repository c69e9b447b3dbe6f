package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PasskeyProviders")
class PasskeyProvidersTest {

    private final PasskeyProviders providers = PasskeyProviders.standard();

    private ProviderKind kind(String aaguid) {
        return providers
                .lookup(UUID.fromString(aaguid))
                .map(PasskeyProvider::kind)
                .orElseThrow();
    }

    @Test
    @DisplayName("ships the community list with names")
    void names() {
        assertThat(providers.size()).isGreaterThan(200);
        assertThat(providers.nameOf(PasskeyProviders.toBytes(Fixture.ONE_PASSWORD)))
                .contains("1Password");
        assertThat(providers.lookup(UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")))
                .map(PasskeyProvider::name)
                .contains("Google Password Manager");
    }

    @Test
    @DisplayName("knows the kind of the well-known providers")
    void kinds() {
        assertThat(kind("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")).isEqualTo(ProviderKind.PLATFORM_SYNCED);
        assertThat(kind("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")).isEqualTo(ProviderKind.PLATFORM_SYNCED);
        assertThat(kind("53414d53-554e-4700-0000-000000000000")).isEqualTo(ProviderKind.PLATFORM_SYNCED);
        assertThat(kind("bada5566-a7aa-401f-bd96-45619a55120d")).isEqualTo(ProviderKind.THIRD_PARTY_PASSWORD_MANAGER);
        assertThat(kind("d548826e-79b4-db40-a3d8-11116f7e8349")).isEqualTo(ProviderKind.THIRD_PARTY_PASSWORD_MANAGER);
        assertThat(kind("531126d6-e717-415c-9320-3d9aa6981239")).isEqualTo(ProviderKind.THIRD_PARTY_PASSWORD_MANAGER);
        assertThat(kind("50726f74-6f6e-5061-7373-50726f746f6e")).isEqualTo(ProviderKind.THIRD_PARTY_PASSWORD_MANAGER);
        assertThat(kind("fdb141b2-5d84-443e-8a35-4698c205a502")).isEqualTo(ProviderKind.THIRD_PARTY_PASSWORD_MANAGER);
        assertThat(kind("08987058-cadc-4b81-b6e1-30de50dcbe96")).isEqualTo(ProviderKind.DEVICE_BOUND_PLATFORM);
        assertThat(kind("adce0002-35bc-c60a-648b-0b25f1f05503")).isEqualTo(ProviderKind.DEVICE_BOUND_PLATFORM);
        assertThat(kind("fa2b99dc-9e39-4257-8f92-4a30d23c4118")).isEqualTo(ProviderKind.HARDWARE_SECURITY_KEY);
    }

    @Test
    @DisplayName("an undisclosed or unknown AAGUID has no provider and kind UNKNOWN")
    void unknown() {
        assertThat(providers.lookup(PasskeyProviders.UNDISCLOSED)).isEmpty();
        assertThat(providers.kindOf(PasskeyProviders.toBytes(PasskeyProviders.UNDISCLOSED)))
                .isEqualTo(ProviderKind.UNKNOWN);
        assertThat(providers.kindOf(null)).isEqualTo(ProviderKind.UNKNOWN);
    }

    @Test
    @DisplayName("a table of one's own is looked up the same way")
    void custom() {
        UUID id = UUID.randomUUID();
        PasskeyProviders own = PasskeyProviders.of(List.of(new PasskeyProvider(id, "Mine", ProviderKind.UNKNOWN)));
        assertThat(own.lookup(id)).map(PasskeyProvider::name).contains("Mine");
        assertThat(PasskeyProviders.toUuid(PasskeyProviders.toBytes(id))).isEqualTo(id);
    }
}
