package dev.passkeyflow.testkit.contract;

import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryCredentialRepository meets the credential repository contract")
class InMemoryCredentialRepositoryContractTest extends CredentialRepositoryContract {

    @Override
    protected CredentialRepository createRepository(MutableClock clock) {
        return new InMemoryCredentialRepository();
    }
}
