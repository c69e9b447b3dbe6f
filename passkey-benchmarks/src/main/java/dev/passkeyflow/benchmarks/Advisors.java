package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
import dev.passkeyflow.intelligence.PasskeyIntelligence;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;

/** The advisors a benchmark can be parameterised with. */
final class Advisors {

    /** Makes an advisor over the deployment's repositories. */
    @FunctionalInterface
    interface Factory {
        LoginAdvisor create(CredentialRepository credentials, LoginAttemptRepository attempts);
    }

    private Advisors() {}

    /**
     * {@code default}: core's {@link ThresholdLoginAdvisor#ofDefaults()}; {@code intelligence}:
     * {@link PasskeyIntelligence} with its default policy over the same repositories as the flow.
     */
    static Factory named(String name) {
        return switch (name) {
            case "default" -> (credentials, attempts) -> ThresholdLoginAdvisor.ofDefaults();
            case "intelligence" ->
                (credentials, attempts) -> PasskeyIntelligence.builder()
                        .credentialRepository(credentials)
                        .loginAttemptRepository(attempts)
                        .build();
            default -> throw new IllegalArgumentException("unknown advisor '" + name + "'");
        };
    }
}
