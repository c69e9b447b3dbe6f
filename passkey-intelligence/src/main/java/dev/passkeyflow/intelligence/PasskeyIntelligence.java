package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.UserAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evidence-based {@link LoginAdvisor}: decides from this device's history, the user's other
 * devices, the credential's provider and the client's capabilities, not from error names alone.
 *
 * <pre>{@code
 * PasskeyIntelligence intelligence = PasskeyIntelligence.builder()
 *         .credentialRepository(credentials)
 *         .loginAttemptRepository(attempts)
 *         .policy(AutoHealingPolicy.ofDefaults())
 *         .build();
 * LoginFlow flow = LoginFlow.builder()
 *         ...
 *         .credentialRepository(credentials)
 *         .loginAttemptRepository(attempts)
 *         .advisor(intelligence)
 *         .build();
 * }</pre>
 *
 * <p>Give it the same repositories as the flow: the flow records every attempt, and this advisor
 * reads them back in bounded, newest-first windows ({@link AutoHealingPolicy#historyWindow()},
 * {@link AutoHealingPolicy#historyLimit()}), so a decision's cost does not grow with a user's total
 * history. It never writes. Thread-safe.
 *
 * <ul>
 *   <li><b>Start</b>: no usable passkey or no authenticator at all: fallback. A device where the
 *       user's passkey evidently disappeared (no success since, and no newer passkey that may have
 *       synced here): fallback, no prompt that is bound to fail, where immediate UI mode found none;
 *       a button, not an automatic prompt, where two failed flows suggest it (a person who twice
 *       dismissed a working passkey's prompt leaves the same history). Positive history here, or a platform-synced passkey of this platform's
 *       ecosystem: attempt automatically. Where the passkey may or may not be (one failed flow since
 *       the last success, a password-manager or security-key passkey on a new device, a device
 *       without history on a platform where a passkey was created by a client not seen since or used
 *       within the history window): as {@link AutoHealingPolicy#uncertainStart()} says, automatically
 *       by default, else a button. Only passkeys that
 *       cannot be here (device-bound elsewhere, iCloud on Windows): a button when the hybrid
 *       transport may help (an automatic start once the user signs in there by phone habitually, see
 *       {@link AutoHealingPolicy#phoneOnlyStart()}), else fallback.
 *   <li><b>Failure</b>: diagnosed from history (see {@link dev.passkeyflow.core.FailureCause}); a
 *       server-side rejection, a SecurityError, or evidence that no passkey is on this device falls
 *       back at once; otherwise a calm retry until {@link AutoHealingPolicy#failuresBeforeFallback()}.
 *   <li><b>After the fallback</b>: an after-error offer when the passkey is gone from this device
 *       (deleted, other cloud account, password manager signed out) or unknown to the server; an
 *       additional-passkey offer on a new device that cannot hold the user's passkeys; a first
 *       passkey when the user has none; never after a mere cancel on a device whose passkey works.
 *       Offers respect the device's capability and the policy's cooldowns.
 * </ul>
 */
public final class PasskeyIntelligence implements LoginAdvisor {

    private static final Logger LOG = LoggerFactory.getLogger(PasskeyIntelligence.class);

    private final StartRules start;
    private final FailureRules failure;
    private final OfferRules offers;
    private final AutoHealingPolicy policy;
    private final List<IntelligenceListener> listeners;

    private PasskeyIntelligence(Builder builder) {
        this.policy = builder.policy;
        Evidence evidence = new Evidence(
                Objects.requireNonNull(builder.credentials),
                Objects.requireNonNull(builder.attempts),
                builder.policy,
                builder.providers);
        this.start = new StartRules(evidence);
        this.failure = new FailureRules(evidence);
        this.offers = new OfferRules(evidence);
        this.listeners = List.copyOf(builder.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The policy in force. */
    public AutoHealingPolicy policy() {
        return policy;
    }

    @Override
    public StartDecision onStart(StartContext context) {
        StartDecision decision = start.decide(context);
        if (!listeners.isEmpty()) {
            UserAccount user = context.user();
            publish(new IntelligenceEvent.StartAdvised(
                    context.now(),
                    user == null ? null : user.userHandle(),
                    context.client().deviceId(),
                    decision));
        }
        return decision;
    }

    @Override
    public FailureDecision onPasskeyFailure(FailureContext context) {
        FailureDecision decision = failure.decide(context);
        if (!listeners.isEmpty()) {
            publish(new IntelligenceEvent.FailureDiagnosed(
                    context.now(),
                    context.user().userHandle(),
                    context.client().deviceId(),
                    context.failure(),
                    decision));
        }
        return decision;
    }

    @Override
    public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
        HealingDecision decision = offers.afterFallback(context);
        if (!listeners.isEmpty()) {
            Bytes user = context.user().userHandle();
            publish(new IntelligenceEvent.HealingAdvised(
                    context.now(), user, context.client().deviceId(), decision));
        }
        return decision;
    }

    @Override
    public HealingDecision onCrossDeviceSuccess(PasskeySuccessContext context) {
        HealingDecision decision = offers.afterCrossDeviceSuccess(context);
        if (!listeners.isEmpty()) {
            Bytes user = context.user().userHandle();
            publish(new IntelligenceEvent.HealingAdvised(
                    context.now(), user, context.client().deviceId(), decision));
        }
        return decision;
    }

    private void publish(IntelligenceEvent event) {
        for (IntelligenceListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn(
                        "intelligence listener {} failed on {}; ignored",
                        listener.getClass().getName(),
                        event.getClass().getSimpleName(),
                        e);
            }
        }
    }

    /**
     * Builds a {@link PasskeyIntelligence}. Required: both repositories. Each may be set once;
     * setting one twice is rejected, as a sign of a wiring mistake.
     */
    public static final class Builder {
        private @Nullable CredentialRepository credentials;
        private @Nullable LoginAttemptRepository attempts;
        private AutoHealingPolicy policy = AutoHealingPolicy.ofDefaults();
        private boolean policySet;
        private PasskeyProviders providers = PasskeyProviders.standard();
        private boolean providersSet;
        private final List<IntelligenceListener> listeners = new ArrayList<>();

        private Builder() {}

        /** The flow's credential repository. */
        public Builder credentialRepository(CredentialRepository value) {
            Objects.requireNonNull(value, "credentialRepository");
            if (credentials != null) {
                throw new IllegalStateException("credentialRepository was already set");
            }
            this.credentials = value;
            return this;
        }

        /** The flow's attempt history. */
        public Builder loginAttemptRepository(LoginAttemptRepository value) {
            Objects.requireNonNull(value, "loginAttemptRepository");
            if (attempts != null) {
                throw new IllegalStateException("loginAttemptRepository was already set");
            }
            this.attempts = value;
            return this;
        }

        /** Default {@link AutoHealingPolicy#ofDefaults()}. */
        public Builder policy(AutoHealingPolicy value) {
            Objects.requireNonNull(value, "policy");
            if (policySet) {
                throw new IllegalStateException("policy was already set");
            }
            this.policy = value;
            this.policySet = true;
            return this;
        }

        /** Default {@link PasskeyProviders#standard()}. */
        public Builder providers(PasskeyProviders value) {
            Objects.requireNonNull(value, "providers");
            if (providersSet) {
                throw new IllegalStateException("providers was already set");
            }
            this.providers = value;
            this.providersSet = true;
            return this;
        }

        /** Adds a listener for decision events; may be called several times. */
        public Builder listener(IntelligenceListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * Builds the advisor from the settings made so far.
         *
         * @return the advisor
         * @throws IllegalStateException naming a missing repository
         */
        public PasskeyIntelligence build() {
            if (credentials == null) {
                throw new IllegalStateException("credentialRepository is required");
            }
            if (attempts == null) {
                throw new IllegalStateException("loginAttemptRepository is required");
            }
            return new PasskeyIntelligence(this);
        }
    }
}
