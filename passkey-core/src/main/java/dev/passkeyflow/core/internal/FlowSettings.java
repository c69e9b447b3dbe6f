package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.core.LoginThrottle;
import dev.passkeyflow.core.OfferCooldowns;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.storage.ThrottleRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a login flow, as {@link LoginFlow.Builder} produced them. Not API.
 *
 * <p>{@code origins} holds every origin accepted in client data: the web origins and the native
 * app origins. {@code allowedTopOrigins} holds the top-level origins allowed to embed the relying
 * party in a cross-origin iframe (empty: none).
 */
public record FlowSettings(
        String rpId,
        String rpName,
        Set<String> origins,
        Duration ceremonyTimeout,
        Duration flowTimeToLive,
        LoginFlow.UserVerification userVerification,
        LoginFlow.ResidentKey residentKey,
        CredentialRepository credentials,
        LoginAttemptRepository attempts,
        FlowStateRepository flows,
        LoginAdvisor advisor,
        List<LoginFlowListener> listeners,
        Clock clock,
        int maxResponseBytes,
        int maxFallbackFailures,
        int maxPasskeyAttempts,
        String completionRedirect,
        UnaryOperator<String> identifierNormalizer,
        Set<String> allowedTopOrigins,
        LoginThrottle throttle,
        ThrottleRepository throttles,
        @Nullable AtomicStepRepository atomicSteps,
        PasskeyEventRepository passkeyEvents,
        OfferCooldowns offerCooldowns) {}
