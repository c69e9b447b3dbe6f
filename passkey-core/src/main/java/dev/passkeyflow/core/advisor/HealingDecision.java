package dev.passkeyflow.core.advisor;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The advisor's decision after the user authenticated without a passkey, or with one from another
 * device: an {@link Offer} to create a passkey, or {@link NoOffer}.
 */
public sealed interface HealingDecision permits HealingDecision.Offer, HealingDecision.NoOffer {

    /** The diagnosis the decision (and an offer's wording) rests on. */
    FailureDiagnosis diagnosis();

    /** The client platform, for naming the OS dialog. */
    ClientPlatform platform();

    /** Why. */
    List<DecisionTag> tags();

    /** The tags' texts, for logs and analytics. */
    default List<String> tagTexts() {
        return DecisionTag.texts(tags());
    }

    /**
     * Offer to create a passkey.
     *
     * @param kind the offer's kind (its wording and its counter)
     * @param diagnosis the diagnosis the offer's wording rests on
     * @param platform the client platform, for naming the OS dialog
     * @param replacedCredentials credentials to mark once a new passkey has been created (the ones
     *     that no longer work on this device); untouched when no passkey is created
     * @param replacedCredentialStatus the status they get: {@link CredentialStatus#SUSPECTED_BROKEN}
     *     (keep and flag, the default) or {@link CredentialStatus#RETIRED}, never {@code ACTIVE}
     * @param tags why
     */
    record Offer(
            HealingKind kind,
            FailureDiagnosis diagnosis,
            ClientPlatform platform,
            Set<Bytes> replacedCredentials,
            CredentialStatus replacedCredentialStatus,
            List<DecisionTag> tags)
            implements HealingDecision {

        public Offer {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(diagnosis, "diagnosis");
            Objects.requireNonNull(platform, "platform");
            replacedCredentials = Set.copyOf(replacedCredentials);
            Objects.requireNonNull(replacedCredentialStatus, "replacedCredentialStatus");
            if (replacedCredentialStatus == CredentialStatus.ACTIVE) {
                throw new IllegalArgumentException("replaced credentials must be flagged or retired, not ACTIVE");
            }
            tags = List.copyOf(tags);
        }

        /** An offer that replaces nothing. */
        public static Offer of(
                HealingKind kind, FailureDiagnosis diagnosis, ClientPlatform platform, DecisionTag... tags) {
            return new Offer(kind, diagnosis, platform, Set.of(), CredentialStatus.SUSPECTED_BROKEN, List.of(tags));
        }
    }

    /**
     * No offer.
     *
     * @param diagnosis the diagnosis the decision rests on
     * @param platform the client platform
     * @param tags why not
     */
    record NoOffer(FailureDiagnosis diagnosis, ClientPlatform platform, List<DecisionTag> tags)
            implements HealingDecision {

        public NoOffer {
            Objects.requireNonNull(diagnosis, "diagnosis");
            Objects.requireNonNull(platform, "platform");
            tags = List.copyOf(tags);
        }
    }

    /** No offer. */
    static HealingDecision noOffer(FailureDiagnosis diagnosis, ClientPlatform platform, DecisionTag... tags) {
        return new NoOffer(diagnosis, platform, List.of(tags));
    }
}
