package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.advisor.DecisionTag;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;

/**
 * What peer products do: fixed thresholds for the login, and a passkey offer only when the user
 * has none at all, so a broken passkey is never replaced.
 */
final class PeerAdvisor implements LoginAdvisor {

    private final ThresholdLoginAdvisor threshold = ThresholdLoginAdvisor.ofDefaults();

    @Override
    public StartDecision onStart(StartContext context) {
        return threshold.onStart(context);
    }

    @Override
    public FailureDecision onPasskeyFailure(FailureContext context) {
        return threshold.onPasskeyFailure(context);
    }

    @Override
    public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
        ClientPlatform platform = ClientPlatform.of(context.client());
        if (context.usableCredentials().isEmpty() && context.client().canCreatePasskeyLocally()) {
            return HealingDecision.Offer.of(
                    HealingKind.FIRST_PASSKEY, FailureDiagnosis.unknown(), platform, DecisionTag.USER_HAS_NO_PASSKEYS);
        }
        return HealingDecision.noOffer(context.lastDiagnosis(), platform, DecisionTag.USER_HAS_PASSKEYS);
    }
}
