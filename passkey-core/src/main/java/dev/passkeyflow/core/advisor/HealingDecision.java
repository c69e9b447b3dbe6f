package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The advisor's decision after the user authenticated without a passkey.
 *
 * @param offer the offer to show, or {@code null} for no offer
 * @param diagnosis the diagnosis the offer's wording rests on
 * @param platform the client platform, for naming the OS dialog
 * @param replacedCredentials credentials to mark once a new passkey has been created (the ones that
 *     no longer work on this device); untouched when no passkey is created
 * @param replacedCredentialStatus the status they get: {@link CredentialStatus#SUSPECTED_BROKEN}
 *     (keep and flag, the default) or {@link CredentialStatus#RETIRED}
 * @param tags short machine-readable reasons
 */
public record HealingDecision(@Nullable HealingKind offer, FailureDiagnosis diagnosis, ClientPlatform platform,
        Set<Bytes> replacedCredentials, CredentialStatus replacedCredentialStatus, List<String> tags) {

    public HealingDecision {
        Objects.requireNonNull(diagnosis, "diagnosis");
        Objects.requireNonNull(platform, "platform");
        replacedCredentials = Set.copyOf(replacedCredentials);
        Objects.requireNonNull(replacedCredentialStatus, "replacedCredentialStatus");
        if (replacedCredentialStatus == CredentialStatus.ACTIVE) {
            throw new IllegalArgumentException("replaced credentials must be flagged or retired, not ACTIVE");
        }
        tags = List.copyOf(tags);
    }

    /** No offer. */
    public static HealingDecision noOffer(FailureDiagnosis diagnosis, ClientPlatform platform, String... tags) {
        return new HealingDecision(null, diagnosis, platform, Set.of(), CredentialStatus.SUSPECTED_BROKEN,
                List.of(tags));
    }
}
