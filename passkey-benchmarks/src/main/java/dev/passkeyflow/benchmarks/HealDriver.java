package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thread's error-fallback-heal paths: the passkey fails twice in the browser, the user logs
 * in the traditional way and registers a new passkey on a second authenticator.
 *
 * <p>Measured in two halves like {@link LoginDriver}: {@link #untilOffer()} (start, two client
 * errors, fallback success, up to the creation options the browser receives) and
 * {@link #finish()} (verifying and storing the new passkey), because the new key pair and its
 * attestation are made by the software authenticator in between. After each heal the account is
 * put back as it was (new credential deleted, old one ACTIVE again), outside the measurement, so
 * every heal sees the same account.
 */
final class HealDriver {

    private final Deployment deployment;
    private final Deployment.Account account;
    /** Stands for the device's new platform authenticator: it does not hold the excluded old credential. */
    private final SoftwareAuthenticator healer = Deployment.authenticator();

    private @Nullable String flowId;
    private @Nullable String registration;
    private @Nullable Bytes newCredentialId;

    HealDriver(Deployment deployment, String label) {
        this.deployment = deployment;
        this.account = deployment.enrol(label);
    }

    /** Measured: start, two browser errors (calm retry, then fallback), fallback success, healing offer. */
    LoginStep.HealingOffer untilOffer() {
        LoginStep step = deployment.flow.start(account.identifier(), account.client());
        flowId = step.flowId();
        step = deployment.flow.reportClientError(flowId, "NotAllowedError", null, 40);
        if (!(step instanceof LoginStep.PasskeyChallenge)) {
            throw new IllegalStateException("expected a calm retry, got " + step);
        }
        step = deployment.flow.reportClientError(flowId, "NotAllowedError", null, 35);
        if (!(step instanceof LoginStep.FallbackRequired)) {
            throw new IllegalStateException("expected a fallback, got " + step);
        }
        step = deployment.flow.fallbackSucceeded(flowId);
        if (!(step instanceof LoginStep.HealingOffer offer)) {
            throw new IllegalStateException("expected a healing offer, got " + step);
        }
        return offer;
    }

    /** Not measured: the path up to the offer and the new authenticator's registration response. */
    void prepareFinish() {
        LoginStep.HealingOffer offer = untilOffer();
        registration = healer.register(offer.credentialsCreateJson());
    }

    /** Measured: verifying and storing the new passkey, completing the flow. */
    LoginStep finish() {
        // prepareFinish ran first (a per-invocation setup); the two checks cost nanoseconds of a millisecond.
        LoginStep step = deployment.flow.finishHealing(
                Objects.requireNonNull(flowId, "flowId"), Objects.requireNonNull(registration, "registration"));
        if (!(step instanceof LoginStep.Completed done) || done.healing() != HealingResult.HEALED) {
            throw new IllegalStateException("expected a healed completion, got " + step);
        }
        newCredentialId = done.newCredentialId();
        return step;
    }

    /** Not measured: puts the account back as it was before the heal. */
    void reset() {
        if (flowId != null) {
            deployment.flows.delete(flowId);
            flowId = null;
        }
        if (newCredentialId != null) {
            deployment.credentials.deleteCredential(newCredentialId);
            newCredentialId = null;
        }
        deployment.credentials.setStatus(account.credentialId(), CredentialStatus.ACTIVE);
        healer.loseAll();
        registration = null;
    }
}
