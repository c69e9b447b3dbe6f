package dev.passkeyflow.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.yubico.internal.util.JacksonCodecs;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AttestedCredentialData;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.CollectedClientData;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.FlowState;
import dev.passkeyflow.core.FlowTransition;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.HealingPath;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginFlowException.Reason;
import dev.passkeyflow.core.LoginFlowListener;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.storage.AccountCredentials;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CountedFlowStart;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login flow over Yubico's {@link RelyingParty}. Each public method is one step, run by the
 * {@link StepRunner}: load the stored snapshot, recognise a repeat of the call that made it, check
 * the transition against {@link FlowTransition}, do the work, and commit the next snapshot with its
 * effects (credential use, new credential, attempt history) and the call's {@link StepReceipt}.
 */
public final class DefaultLoginFlow implements LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);


    private static final Pattern FLOW_ID = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    private static final int FLOW_ID_BYTES = 24;
    private static final int MAX_IDENTIFIER_LENGTH = 256;
    private static final int MAX_ERROR_NAME_LENGTH = 64;
    /** How often a failed-login report that lost a race on its flow is run again on the winner's state. */
    private static final int MAX_FAILURE_REPORT_ROUNDS = 8;
    /** Grace added to the ceremony timeout before a challenge counts as expired (clock skew, slow networks). */
    private static final Duration CHALLENGE_GRACE = Duration.ofSeconds(30);

    /**
     * Yubico's configured mapper, built once. Yubico's own JSON helpers ({@code toJson},
     * {@code fromJson}, {@code toCredentialsGetJson}, {@code parseAssertionResponseJson}, ...) call
     * {@code JacksonCodecs.json()} each time, which builds a new ObjectMapper whose empty caches make
     * every call introspect the classes again: milliseconds per login, more than the signature check
     * (docs/benchmarks.md). A configured ObjectMapper is thread-safe and writes the same JSON; a test
     * compares the two.
     */
    static final ObjectMapper YUBICO_JSON = JacksonCodecs.json();

    private static final TypeReference<PublicKeyCredential<AuthenticatorAssertionResponse,
            ClientAssertionExtensionOutputs>> ASSERTION_RESPONSE = new TypeReference<>() { };
    private static final TypeReference<PublicKeyCredential<AuthenticatorAttestationResponse,
            ClientRegistrationExtensionOutputs>> REGISTRATION_RESPONSE = new TypeReference<>() { };

    private final FlowSettings settings;
    private final CredentialRepository credentials;
    private final RelyingParty relyingParty;
    private final YubicoCredentialAdapter yubicoCredentials;
    private final SecureRandom random = new SecureRandom();
    private final byte[] rpIdHash;
    private final StepRunner runner;
    private final Throttles throttles;
    private final OfferLedger ledger;

    public DefaultLoginFlow(FlowSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentials = settings.credentials();
        this.yubicoCredentials = new YubicoCredentialAdapter(settings.credentials());
        this.relyingParty = RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(settings.rpId()).name(settings.rpName()).build())
                .credentialRepository(yubicoCredentials)
                .origins(settings.origins())
                // Counters are checked after Yubico verified the signature: synced passkeys may count
                // down (AssertionVerification.counterRefusal).
                .validateSignatureCounter(false)
                .allowUntrustedAttestation(true)
                .build();
        this.rpIdHash = sha256(settings.rpId().getBytes(StandardCharsets.UTF_8));
        this.runner = new StepRunner(settings);
        this.throttles = new Throttles(settings.throttle(), settings.throttles(), settings.clock());
        this.ledger = new OfferLedger(settings.passkeyEvents(), settings.offerCooldowns());
    }

    static boolean isWellFormedFlowId(String flowId) {
        return FLOW_ID.matcher(flowId).matches();
    }

    // ------------------------------------------------------------------ start

    @Override
    public LoginStep start(String identifier, ClientContext client) {
        String normalized = normalizeIdentifier(identifier);
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> {
            // A store that counts the start together with the new flow (one round trip on a database)
            // does it at the end; otherwise the start is counted before any lookup. Either way a known
            // identifier is throttled and timed like an unknown one.
            CountedFlowStart countedStart = settings.atomicSteps() instanceof CountedFlowStart counted ? counted : null;
            if (countedStart == null) {
                throttles.countStart(normalized, client.deviceId());
            }
            Instant now = settings.clock().instant();
            // One lookup for the account and its credentials (one round trip on database storage),
            // and the same work for an unknown identifier.
            Optional<AccountCredentials> found = credentials.findUserWithCredentials(normalized);
            Optional<UserAccount> user = found.map(AccountCredentials::account);
            List<StoredCredential> list = found.map(AccountCredentials::credentials).orElse(List.of());
            StartDecision decision = settings.advisor().onStart(new StartContext(user.orElse(null), list, client, now));
            boolean usable = list.stream().anyMatch(c -> c.status().acceptsLogin());
            boolean passkey = user.isPresent() && usable && decision.action() != StartDecision.Action.FALLBACK;
            boolean immediate = passkey && decision.action() == StartDecision.Action.ATTEMPT_IMMEDIATE
                    && client.supportsImmediateGet();

            FlowSnapshot fresh = FlowSnapshot.fresh(newFlowId(), normalized,
                    user.map(UserAccount::userHandle).orElse(null), client, now, now.plus(settings.flowTimeToLive()));
            FlowSnapshot next;
            String challengeJson = null;
            if (passkey) {
                AssertionRequest request = startAssertion(new YubicoCredentialAdapter.KnownReads(normalized,
                        user.get().userHandle(), list, null));
                challengeJson = credentialsGetJson(request);
                next = move(fresh, FlowTransition.START_PASSKEY, e -> e.pending(toJson(request), now)
                        .autoStart(decision.action() == StartDecision.Action.ATTEMPT_AUTOMATICALLY || immediate)
                        .passkeyAttempts(1));
            } else {
                next = move(fresh, FlowTransition.START_FALLBACK,
                        e -> e.fallbackReason(FallbackReason.PASSKEY_NOT_AVAILABLE));
            }
            if (countedStart != null) {
                throttles.countStartAndCreate(countedStart, StepRunner.newRecord(next), normalized, client.deviceId());
            } else {
                runner.create(next);
            }
            LOG.debug("flow {} started: {} {}", SnapshotCodec.abbreviate(next.flowId()), next.state(), decision.tags());
            publish(new LoginFlowEvent.FlowStarted(next.flowId(), now, next.userHandle(), decision));
            if (!passkey) {
                publish(new LoginFlowEvent.FallbackRequired(next.flowId(), now, next.userHandle(),
                        FallbackReason.PASSKEY_NOT_AVAILABLE));
            }
            if (!passkey) {
                // The alternative from the lists already read: the same work for an unknown identifier.
                boolean alternative = user.isPresent() && usable && next.passkeyAttempts() < settings.maxPasskeyAttempts();
                return fallbackStep(next, List.of(), alternative);
            }
            LoginStep.PasskeyChallenge challenge = (LoginStep.PasskeyChallenge) stepFor(next, List.of(), challengeJson);
            return immediate ? new LoginStep.PasskeyChallenge(challenge.flowId(), challenge.credentialsGetJson(), true,
                    challenge.attempt(), challenge.calmRetry(), challenge.signals(), true) : challenge;
        });
    }

    // ------------------------------------------------------------------ usernameless (issue 15)

    /**
     * The identifier a usernameless flow holds until a verified credential names its account. Not a
     * valid identifier ({@link #normalizeIdentifier} refuses blank ones), so it can match no account.
     */
    private static final String NO_IDENTIFIER = "";

    @Override
    public LoginStep startUsernameless(ClientContext client) {
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> {
            throttles.countUsernamelessStart(client.deviceId());
            Instant now = settings.clock().instant();
            AssertionRequest request = startUsernamelessAssertion();
            FlowSnapshot fresh = FlowSnapshot.fresh(newFlowId(), NO_IDENTIFIER, null, client, now,
                    now.plus(settings.flowTimeToLive()));
            FlowSnapshot next = move(fresh, FlowTransition.START_USERNAMELESS, e -> e.pending(toJson(request), now)
                    .autoStart(false).passkeyAttempts(1));
            runner.create(next);
            publish(new LoginFlowEvent.FlowStarted(next.flowId(), now, null,
                    StartDecision.of(StartDecision.Action.OFFER_BUTTON, "usernameless")));
            return stepFor(next, List.of(), credentialsGetJson(request));
        });
    }

    private AssertionRequest startUsernamelessAssertion() {
        // No username: Yubico leaves allowCredentials empty, so any discoverable passkey may answer.
        return relyingParty.startAssertion(StartAssertionOptions.builder()
                .userVerification(userVerification())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    private static boolean usernameless(FlowSnapshot s) {
        return s.userHandle() == null && s.state() == FlowState.PASSKEY_PENDING;
    }

    /**
     * Finishes a usernameless challenge. The account is the owner of the presented credential, and
     * only a verified assertion by that credential, whose user handle is that owner's, completes the
     * flow as that owner. Nothing is recorded in anyone's history for a failure: until the assertion
     * verifies, the flow belongs to nobody.
     */
    private LoginStep finishUsernameless(FlowSnapshot current, AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            Bytes credentialId, StepReceipt receipt) {
        Optional<StoredCredential> stored = credentials.findCredential(credentialId);
        if (stored.isEmpty()) {
            // No account at all owns this id (the lookup is global): the provider may drop it.
            return usernamelessRetry(current, AttemptOutcome.UNKNOWN_CREDENTIAL,
                    List.of(new ClientSignal.UnknownCredential(settings.rpId(), credentialId.toBase64Url())), receipt);
        }
        Bytes owner = stored.get().userHandle();
        Optional<UserAccount> account = credentials.findUserByHandle(owner);
        if (account.isEmpty()) {
            return usernamelessRetry(current, AttemptOutcome.VERIFICATION_FAILED, List.of(), receipt);
        }
        // The flow as it would be for the owner: every check below and the commit see that account.
        FlowSnapshot asOwner = current.edit().userHandle(owner).identifier(account.get().identifier()).build();
        AttemptOutcome rejected = precheckAssertion(asOwner, request, response, stored);
        AssertionResult verified = null;
        if (rejected == null) {
            if (response.getResponse().getUserHandle().isEmpty()) {
                // A discoverable credential returns its user handle; without it nothing names the account.
                rejected = AttemptOutcome.WRONG_USER;
            } else {
                try {
                    List<StoredCredential> own = credentials.listCredentials(owner);
                    AssertionResult result = yubicoCredentials.with(new YubicoCredentialAdapter.KnownReads(
                            account.get().identifier(), owner, own, stored.get()),
                            () -> finishAssertion(request, response));
                    if (!result.isSuccess()
                            || !YubicoCredentialAdapter.toBytes(result.getCredential().getUserHandle()).equals(owner)) {
                        rejected = AttemptOutcome.WRONG_USER;
                    } else {
                        rejected = AssertionVerification.counterRefusal(stored.get(), result);
                        if (rejected == null) {
                            verified = result;
                            LoginStep done = passkeySucceeded(asOwner, credentialId, result, receipt, own,
                                    response.getAuthenticatorAttachment().map(a -> a.getValue()).orElse(null));
                            if (AssertionVerification.counterRegressed(result)) {
                                publish(new LoginFlowEvent.SignatureCounterAnomaly(current.flowId(),
                                        settings.clock().instant(), owner, credentialId,
                                        stored.get().signatureCount(), result.getSignatureCount()));
                            }
                            return done;
                        }
                    }
                } catch (FailedAssertion e) {
                    rejected = e.failure() instanceof InvalidSignatureCountException
                            ? AttemptOutcome.COUNTER_REGRESSION : classifyAssertionFailure(e.failure());
                } catch (RuntimeException e) {
                    rethrowStorageFailure(e);
                    rejected = AttemptOutcome.VERIFICATION_FAILED;
                }
            }
        }
        LOG.debug("flow {}: usernameless assertion rejected: {}", SnapshotCodec.abbreviate(current.flowId()),
                rejected);
        return usernamelessRetry(current, Objects.requireNonNull(rejected), List.of(), receipt);
    }

    /**
     * A fresh usernameless challenge after a failure, while the flow has passkey attempts left; then
     * {@code ILLEGAL_TRANSITION} (the page starts a new flow). There is no fallback: no identifier.
     */
    private LoginStep usernamelessRetry(FlowSnapshot current, AttemptOutcome outcome, List<ClientSignal> signals,
            StepReceipt receipt) {
        if (current.passkeyAttempts() >= settings.maxPasskeyAttempts()) {
            throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "no passkey attempts left; start a new flow");
        }
        Instant now = settings.clock().instant();
        AssertionRequest request = startUsernamelessAssertion();
        PasskeyFailure failure = new PasskeyFailure(outcome, null, -1, null);
        FlowSnapshot next = runner.commit(move(current, FlowTransition.PASSKEY_RETRY, e -> e.pending(toJson(request), now)
                .passkeyAttempts(current.passkeyAttempts() + 1).calmRetry(failure.isCancelLike())
                .consecutiveFailures(current.consecutiveFailures() + 1)), receipt, List.of());
        publish(new LoginFlowEvent.PasskeyAttemptFailed(next.flowId(), now, null, failure, FailureDiagnosis.unknown(),
                FailureDecision.Action.RETRY));
        return stepFor(next, signals, credentialsGetJson(request));
    }

    @Override
    public LoginStep enrol(String identifier, ClientContext client) {
        String normalized = normalizeIdentifier(identifier);
        Objects.requireNonNull(client, "client");
        return StepRunner.guard(() -> {
            Instant now = settings.clock().instant();
            UserAccount user = credentials.findUserByIdentifier(normalized)
                    .orElseThrow(() -> new LoginFlowException(Reason.UNKNOWN_USER, "no account has this identifier"));
            // Host-initiated: enrolment, never reported as healing, and never cooled down.
            HealingKind kind = HealingKind.ENROLMENT;
            PublicKeyCredentialCreationOptions options = startRegistration(user);
            FlowSnapshot fresh = FlowSnapshot.fresh(newFlowId(), normalized, user.userHandle(), client, now,
                    now.plus(settings.flowTimeToLive()));
            FlowSnapshot next = move(fresh, FlowTransition.START_ENROLMENT, e -> e.pending(toJson(options), now)
                    .method(AuthenticationMethod.HOST_SESSION).healingKind(kind));
            runner.create(next);
            publish(new LoginFlowEvent.HealingOffered(next.flowId(), now, user.userHandle(), kind, next.diagnosis()));
            return stepFor(next, List.of(), credentialsCreateJson(options));
        });
    }

    @Override
    public LoginStep resume(String flowId) {
        // Read-only: a reload neither applies another request's effects nor takes its result.
        return runner.read(flowId, current -> {
            if (current.state() == FlowState.COMPLETED) {
                // A completion is handed out once, by the call that completed the flow: a flow id
                // alone must never be enough to be told "authenticated" again.
                throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "the flow is already completed");
            }
            return stepFor(current, List.of(), null);
        });
    }

    // ------------------------------------------------------------------ passkey attempts

    @Override
    public LoginStep reportClientError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        String name = validErrorName(errorName);
        long elapsed = Math.max(-1, elapsedMillis);
        // Every report counts on its own: two failures with the same name and time are two failures.
        StepReceipt receipt = StepReceipt.unique(PendingCall.CLIENT_ERROR);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.PASSKEY_PENDING);
            AttemptOutcome outcome = classifyGetError(name, elapsed);
            LOG.debug("flow {}: browser reported {} after {} ms", SnapshotCodec.abbreviate(flowId), name, elapsed);
            return handleFailure(current, new PasskeyFailure(outcome, name, elapsed, null), List.of(), receipt);
        });
    }

    @Override
    public LoginStep reportImmediateRejection(String flowId, long elapsedMillis) {
        long elapsed = Math.max(-1, elapsedMillis);
        StepReceipt receipt = StepReceipt.unique(PendingCall.CLIENT_ERROR);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.PASSKEY_PENDING);
            LOG.debug("flow {}: immediate UI mode rejected after {} ms", SnapshotCodec.abbreviate(flowId), elapsed);
            return handleFailure(current, new PasskeyFailure(AttemptOutcome.IMMEDIATE_REJECTED, "NotAllowedError",
                    elapsed, null), List.of(), receipt);
        });
    }

    @Override
    public LoginStep finishPasskey(String flowId, String responseJson) {
        checkSize(responseJson);
        // The proof is the response itself: only a repeat of this very response is told its result.
        StepReceipt receipt = StepReceipt.of(PendingCall.FINISH_PASSKEY, responseJson);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.PASSKEY_PENDING);
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response;
            try {
                // "null" parses to null: invalid input too, not a NullPointerException later on
                response = Objects.requireNonNull(YUBICO_JSON.readValue(responseJson, ASSERTION_RESPONSE));
            } catch (IOException | RuntimeException e) {
                // No cause: parser messages quote the input (signatures, client data with the challenge).
                throw invalidInput("not a WebAuthn assertion response", e);
            }
            AssertionRequest request = assertionRequest(current);
            Bytes credentialId = AssertionVerification.credentialId(response);
            response = AssertionVerification.withoutEmptyUserHandle(response);
            if (usernameless(current)) {
                return finishUsernameless(current, request, response, credentialId, receipt);
            }
            // The account's list is needed for the completion signal anyway; it usually holds the
            // presented credential too, which saves a round trip on database storage.
            List<StoredCredential> own = credentials.listCredentials(Objects.requireNonNull(current.userHandle()));
            Optional<StoredCredential> stored = own.stream().filter(c -> c.credentialId().equals(credentialId))
                    .findFirst();
            if (stored.isEmpty()) {
                stored = credentials.findCredential(credentialId);
            }
            AttemptOutcome rejected = precheckAssertion(current, request, response, stored);
            AssertionResult verified = null;
            if (rejected == null) {
                try {
                    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> verifiable =
                            response;
                    // What this step already read: the credential, and the account the flow is for.
                    AssertionResult result = yubicoCredentials.with(new YubicoCredentialAdapter.KnownReads(
                            current.identifier(), Objects.requireNonNull(current.userHandle()), null,
                            stored.orElse(null)), () -> finishAssertion(request, verifiable));
                    if (!result.isSuccess()) {
                        rejected = AttemptOutcome.VERIFICATION_FAILED;
                    } else if (!YubicoCredentialAdapter.toBytes(result.getCredential().getUserHandle())
                            .equals(current.userHandle())) {
                        // Identity comes from the verified credential, never from the flow's username.
                        rejected = AttemptOutcome.WRONG_USER;
                    } else {
                        rejected = AssertionVerification.counterRefusal(stored.orElseThrow(), result);
                        if (rejected == null) {
                            verified = result;
                        }
                    }
                } catch (FailedAssertion e) {
                    rejected = e.failure() instanceof InvalidSignatureCountException
                            ? AttemptOutcome.COUNTER_REGRESSION : classifyAssertionFailure(e.failure());
                } catch (RuntimeException e) {
                    // Yubico reports malformed parts (CBOR, keys, base64) with unchecked exceptions.
                    // A storage failure inside its credential lookups is not a verdict on the passkey.
                    rethrowStorageFailure(e);
                    LOG.debug("flow {}: assertion unverifiable: {}", SnapshotCodec.abbreviate(flowId),
                            e.getClass().getSimpleName());
                    rejected = AttemptOutcome.VERIFICATION_FAILED;
                }
            }
            if (verified != null) {
                LoginStep done = passkeySucceeded(current, credentialId, verified, receipt, own,
                        response.getAuthenticatorAttachment().map(a -> a.getValue()).orElse(null));
                if (AssertionVerification.counterRegressed(verified)) {
                    publish(new LoginFlowEvent.SignatureCounterAnomaly(current.flowId(),
                            settings.clock().instant(), current.userHandle(), credentialId,
                            stored.orElseThrow().signatureCount(), verified.getSignatureCount()));
                }
                return done;
            }
            AttemptOutcome outcome = Objects.requireNonNull(rejected);
            LOG.debug("flow {}: assertion rejected: {}", SnapshotCodec.abbreviate(flowId), outcome);
            List<ClientSignal> signals = outcome == AttemptOutcome.UNKNOWN_CREDENTIAL
                    ? List.of(new ClientSignal.UnknownCredential(settings.rpId(), credentialId.toBase64Url()))
                    : List.of();
            return handleFailure(current, new PasskeyFailure(outcome, null, -1, credentialId), signals, receipt);
        });
    }

    /**
     * @param attachment the {@code authenticatorAttachment} the browser reported for the assertion
     *     (not signed, so it is evidence for history and offers only, never for authentication)
     */
    private LoginStep passkeySucceeded(FlowSnapshot current, Bytes credentialId, AssertionResult result,
            StepReceipt receipt, List<StoredCredential> own, @Nullable String attachment) {
        Instant now = settings.clock().instant();
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        // Read before the commit point: after it, a failed read would leave a completed step unanswered.
        ClientSignal accepted = allAccepted(userHandle, null, own);
        List<Effect> effects = new ArrayList<>();
        effects.add(new Effect.RecordUse(credentialId, result.getSignatureCount(), result.isBackedUp(), now,
                clientInfo(current)));
        addAttempt(effects, current, credentialId, AttemptOutcome.SUCCEEDED, null, -1, now, attachment, null);
        if ("cross-platform".equals(attachment) && current.client().canCreatePasskeyLocally()) {
            Optional<UserAccount> account = credentials.findUserByHandle(userHandle);
            HealingDecision decision = account.isEmpty() ? null : settings.advisor().onCrossDeviceSuccess(
                    new PasskeySuccessContext(account.get(), credentials.listCredentials(userHandle), current.client(),
                            credentialId, attachment, current.failures(), now));
            if (decision != null && decision.offer() != null
                    && ledger.allows(decision.offer(), userHandle, current.client().deviceId(), now)) {
                ledger.offered(current.flowId(), decision.offer(), userHandle, current.client().deviceId(), now);
                PublicKeyCredentialCreationOptions options = startRegistration(account.get());
                FlowSnapshot next = runner.commit(move(current, FlowTransition.PASSKEY_SUCCEEDED_OFFER,
                        e -> e.pending(toJson(options), now).method(AuthenticationMethod.PASSKEY)
                                .consecutiveFailures(0).healingKind(decision.offer()).diagnosis(decision.diagnosis())
                                .platform(decision.platform())
                                .replaced(decision.replacedCredentials(), decision.replacedCredentialStatus())),
                        receipt, effects);
                publish(new LoginFlowEvent.HealingOffered(next.flowId(), now, userHandle,
                        Objects.requireNonNull(decision.offer()), decision.diagnosis()));
                return stepFor(next, List.of(), credentialsCreateJson(options));
            }
        }
        FlowSnapshot next = runner.commit(move(current, FlowTransition.PASSKEY_SUCCEEDED, e -> e.pending(null, null)
                .method(AuthenticationMethod.PASSKEY).consecutiveFailures(0).healingResult(HealingResult.NOT_OFFERED)),
                receipt, effects);
        publish(new LoginFlowEvent.Completed(next.flowId(), now, userHandle, AuthenticationMethod.PASSKEY,
                HealingResult.NOT_OFFERED));
        return stepFor(next, List.of(accepted), null);
    }

    @Override
    public LoginStep chooseFallback(String flowId) {
        StepReceipt receipt = StepReceipt.of(PendingCall.CHOOSE_FALLBACK);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.PASSKEY_PENDING);
            // Read before the commit point: after it, a failed read would leave the step unanswered.
            boolean alternative = passkeyAlternative(current);
            FlowSnapshot next = runner.commit(move(current, FlowTransition.PASSKEY_DECLINED,
                    e -> e.pending(null, null).fallbackReason(FallbackReason.USER_CHOSE_FALLBACK)), receipt, List.of());
            publish(new LoginFlowEvent.FallbackRequired(next.flowId(), settings.clock().instant(), next.userHandle(),
                    FallbackReason.USER_CHOSE_FALLBACK));
            return fallbackStep(next, List.of(), alternative);
        });
    }

    @Override
    public LoginStep retryPasskey(String flowId) {
        StepReceipt receipt = StepReceipt.of(PendingCall.RETRY_PASSKEY);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.FALLBACK_PENDING);
            if (!passkeyAlternative(current)) {
                throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "no passkey login is possible in this flow");
            }
            Instant now = settings.clock().instant();
            AssertionRequest request = startAssertion(current.identifier());
            int attempt = current.passkeyAttempts() + 1;
            FlowSnapshot next = runner.commit(move(current, FlowTransition.FALLBACK_TO_PASSKEY,
                    e -> e.pending(toJson(request), now).passkeyAttempts(attempt).autoStart(true).calmRetry(false)
                            .consecutiveFailures(0)), receipt, List.of());
            publish(new LoginFlowEvent.PasskeyRetryChosen(next.flowId(), now, next.userHandle(), attempt));
            return stepFor(next, List.of(), credentialsGetJson(request));
        });
    }

    /**
     * Whether a fallback step may offer a passkey instead: the account has a usable passkey and the
     * flow has attempts left. An unknown identifier costs the same lookup and gets the same answer
     * as an account without passkeys.
     */
    private boolean passkeyAlternative(FlowSnapshot s) {
        Bytes userHandle = s.userHandle();
        boolean usable = credentials.listCredentials(userHandle == null ? CredentialRepository.NO_ACCOUNT : userHandle).stream()
                .anyMatch(c -> c.status().acceptsLogin());
        return userHandle != null && usable && s.passkeyAttempts() < settings.maxPasskeyAttempts();
    }

    private LoginStep handleFailure(FlowSnapshot current, PasskeyFailure failure, List<ClientSignal> signals,
            StepReceipt receipt) {
        if (usernameless(current)) {
            return usernamelessRetry(current, failure.outcome(), signals, receipt);
        }
        Instant now = settings.clock().instant();
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        Optional<UserAccount> user = credentials.findUserByHandle(userHandle);
        List<StoredCredential> list = credentials.listCredentials(userHandle);
        int consecutive = current.consecutiveFailures() + 1;
        List<PasskeyFailure> failures = new ArrayList<>(current.failures());
        failures.add(failure);
        if (failures.size() > settings.maxPasskeyAttempts()) {
            failures.remove(0);
        }
        FailureDecision decision = user.isPresent()
                ? settings.advisor().onPasskeyFailure(new FailureContext(user.get(), list, current.client(), failure,
                        failures, consecutive, now))
                : new FailureDecision(FailureDecision.Action.FALLBACK, FailureDiagnosis.unknown());
        List<Effect> effects = new ArrayList<>();
        addAttempt(effects, current, failure.credentialId(), failure.outcome(), failure.clientErrorName(),
                failure.elapsedMillis(), now);

        boolean anyUsable = list.stream().anyMatch(c -> c.status().acceptsLogin());
        boolean retry = decision.action() == FailureDecision.Action.RETRY
                && current.passkeyAttempts() < settings.maxPasskeyAttempts() && anyUsable;
        FlowSnapshot next;
        String challengeJson = null;
        if (retry) {
            AssertionRequest request = startAssertion(new YubicoCredentialAdapter.KnownReads(current.identifier(),
                    userHandle, list, null));
            challengeJson = credentialsGetJson(request);
            next = move(current, FlowTransition.PASSKEY_RETRY, e -> e.pending(toJson(request), now)
                    .passkeyAttempts(current.passkeyAttempts() + 1).calmRetry(failure.isCancelLike())
                    .autoStart(true).consecutiveFailures(consecutive).failures(failures)
                    .diagnosis(decision.diagnosis()));
        } else {
            next = move(current, FlowTransition.PASSKEY_FAILED, e -> e.pending(null, null)
                    .fallbackReason(FallbackReason.PASSKEY_FAILED).consecutiveFailures(consecutive)
                    .failures(failures).diagnosis(decision.diagnosis()));
        }
        next = runner.commit(next, receipt, effects);
        FailureDecision.Action action = retry ? FailureDecision.Action.RETRY : FailureDecision.Action.FALLBACK;
        publish(new LoginFlowEvent.PasskeyAttemptFailed(next.flowId(), now, userHandle, failure, decision.diagnosis(),
                action));
        if (!retry) {
            publish(new LoginFlowEvent.FallbackRequired(next.flowId(), now, userHandle, FallbackReason.PASSKEY_FAILED));
            // From the list read before the commit point: no storage call after it.
            return fallbackStep(next, signals, anyUsable && next.passkeyAttempts() < settings.maxPasskeyAttempts());
        }
        return stepFor(next, signals, challengeJson);
    }

    // ------------------------------------------------------------------ fallback

    @Override
    public LoginStep fallbackSucceeded(String flowId) {
        // The host vouches for this call: a repeat (e.g. after a storage failure) gets the same result.
        StepReceipt receipt = StepReceipt.of(PendingCall.FALLBACK_SUCCEEDED);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.FALLBACK_PENDING);
            throttles.requireFallbackAllowed(current.identifier(), current.client().deviceId());
            Instant now = settings.clock().instant();
            Optional<UserAccount> user = current.userHandle() != null
                    ? credentials.findUserByHandle(Objects.requireNonNull(current.userHandle()))
                    : credentials.findUserByIdentifier(current.identifier());
            if (user.isEmpty()) {
                FlowSnapshot next = runner.commit(move(current, FlowTransition.FALLBACK_SUCCEEDED, e -> e
                        .method(AuthenticationMethod.FALLBACK).healingResult(HealingResult.NOT_OFFERED)), receipt,
                        List.of());
                publish(new LoginFlowEvent.FallbackSucceeded(next.flowId(), now, null));
                publish(new LoginFlowEvent.Completed(next.flowId(), now, null, AuthenticationMethod.FALLBACK,
                        HealingResult.NOT_OFFERED));
                return stepFor(next, List.of(), null);
            }
            UserAccount account = user.get();
            FlowSnapshot withUser = current.edit().userHandle(account.userHandle()).build();
            List<Effect> effects = new ArrayList<>();
            addAttempt(effects, withUser, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1, now);
            List<StoredCredential> list = credentials.listCredentials(account.userHandle());
            HealingDecision decision = settings.advisor().onAuthenticatedWithoutPasskey(new HealingContext(account,
                    list, current.client(), AuthenticationMethod.FALLBACK, current.failures(), current.diagnosis(), now,
                    current.fallbackReason()));
            FlowSnapshot next;
            String optionsJson = null;
            HealingKind offer = decision.offer() != null
                    && ledger.allows(decision.offer(), account.userHandle(), current.client().deviceId(), now)
                    ? decision.offer() : null;
            // Read before the commit point: the full accepted list for the completion's signal.
            ClientSignal accepted = allAccepted(account.userHandle(), null, list);
            if (offer != null) {
                ledger.offered(current.flowId(), offer, account.userHandle(), current.client().deviceId(), now);
                PublicKeyCredentialCreationOptions options = RegistrationVerification.withoutExcluded(
                        startRegistration(account), AssertionVerification.refusedCredentials(current.failures()));
                optionsJson = credentialsCreateJson(options);
                // Conditional create when the browser can: the passkey may be made without a dialog
                // (stored as autoStart of the healing state: the page starts the ceremony at once).
                boolean silent = Boolean.TRUE.equals(current.client().capability(
                        ClientContext.CAPABILITY_CONDITIONAL_CREATE));
                next = move(withUser, FlowTransition.FALLBACK_SUCCEEDED_OFFER, e -> e.pending(toJson(options), now)
                        .autoStart(silent).method(AuthenticationMethod.FALLBACK).healingKind(offer)
                        .diagnosis(decision.diagnosis()).platform(decision.platform())
                        .replaced(decision.replacedCredentials(), decision.replacedCredentialStatus()));
            } else {
                next = move(withUser, FlowTransition.FALLBACK_SUCCEEDED, e -> e.method(AuthenticationMethod.FALLBACK)
                        .diagnosis(decision.diagnosis()).platform(decision.platform())
                        .healingResult(HealingResult.NOT_OFFERED));
            }
            next = runner.commit(next, receipt, effects);
            publish(new LoginFlowEvent.FallbackSucceeded(next.flowId(), now, account.userHandle()));
            if (offer != null) {
                publish(new LoginFlowEvent.HealingOffered(next.flowId(), now, account.userHandle(),
                        offer, decision.diagnosis()));
            } else {
                publish(new LoginFlowEvent.Completed(next.flowId(), now, account.userHandle(),
                        AuthenticationMethod.FALLBACK, HealingResult.NOT_OFFERED));
            }
            // A password login of a known account also tells the provider which passkeys still count.
            return stepFor(next, offer == null ? unlessEmpty(accepted) : List.of(), optionsJson);
        });
    }

    @Override
    public LoginStep fallbackFailed(String flowId) {
        // Every report is one failed guess: concurrent reports on one flow each count, so a lost
        // race is run again on the winner's state rather than merged into it.
        boolean[] counted = {false};
        for (int round = 1; ; round++) {
            try {
                return fallbackFailedOnce(flowId, counted);
            } catch (LoginFlowException e) {
                if (e.reason() != Reason.CONFLICT || round == MAX_FAILURE_REPORT_ROUNDS) {
                    throw e;
                }
            }
        }
    }

    private LoginStep fallbackFailedOnce(String flowId, boolean[] counted) {
        StepReceipt receipt = StepReceipt.unique(PendingCall.FALLBACK_FAILED);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.FALLBACK_PENDING);
            if (!counted[0]) {
                // The same work for known and unknown identifiers: a read and an increment of two
                // counters, no history entry (the account's history is not where guesses are counted).
                throttles.requireFallbackAllowed(current.identifier(), current.client().deviceId());
                counted[0] = true;
                throttles.countFailure(current.identifier(), current.client().deviceId());
            }
            Instant now = settings.clock().instant();
            int failures = current.fallbackFailures() + 1;
            boolean lock = failures >= settings.maxFallbackFailures();
            FlowSnapshot next = lock
                    ? move(current, FlowTransition.FALLBACK_LOCKED, e -> e.fallbackFailures(failures))
                    // The stored fallback reason stays why the flow fell back (the advisor's healing
                    // decision needs it); the step reports FALLBACK_FAILED from the failure count.
                    : move(current, FlowTransition.FALLBACK_FAILED, e -> e.fallbackFailures(failures));
            // Read before the commit point: after it, a failed read would leave the step unanswered.
            boolean alternative = !lock && passkeyAlternative(current);
            next = runner.commit(next, receipt, List.of());
            publish(new LoginFlowEvent.FallbackFailed(next.flowId(), now, next.userHandle(), failures, lock));
            if (lock) {
                throw new LoginFlowException(Reason.LOCKED, "too many failed logins; start again later");
            }
            return fallbackStep(next, List.of(), alternative);
        });
    }

    // ------------------------------------------------------------------ healing

    @Override
    public LoginStep finishHealing(String flowId, String responseJson) {
        checkSize(responseJson);
        StepReceipt receipt = StepReceipt.of(PendingCall.FINISH_HEALING, responseJson);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.HEALING_PENDING);
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response;
            try {
                response = Objects.requireNonNull(YUBICO_JSON.readValue(responseJson, REGISTRATION_RESPONSE));
            } catch (IOException | RuntimeException e) {
                // No cause: parser messages quote the response.
                throw invalidInput("not a WebAuthn registration response", e);
            }
            AttestedCredentialData attested = RegistrationVerification.requireCredential(response);
            Bytes userHandle = Objects.requireNonNull(current.userHandle());
            PublicKeyCredentialCreationOptions options = creationOptions(current);
            Optional<RegistrationVerification.Refusal> refusal =
                    RegistrationVerification.refusal(response, attested, settings.allowedTopOrigins());
            if (refusal.isPresent()) {
                LOG.debug("flow {}: registration refused: {}", SnapshotCodec.abbreviate(flowId), refusal.get());
                return endHealing(current, AttemptOutcome.REGISTRATION_FAILED, HealingResult.FAILED, null, -1,
                        receipt);
            }
            RegistrationResult result;
            try {
                // Without user presence only for a silent (conditional-create) offer of this very flow,
                // whose user authenticated in this flow: Yubico 2.9.0's isConditionalCreate.
                result = relyingParty.finishRegistration(FinishRegistrationOptions.builder().request(options)
                        .response(response).isConditionalCreate(silentOffer(current)).build());
            } catch (RegistrationFailedException | RuntimeException e) {
                rethrowStorageFailure(e);
                // Yubico's messages may quote client data; log the kind only.
                LOG.debug("flow {}: registration rejected by verification ({})", SnapshotCodec.abbreviate(flowId),
                        e.getClass().getSimpleName());
                return endHealing(current, AttemptOutcome.REGISTRATION_FAILED, HealingResult.FAILED, null, -1,
                        receipt);
            }
            Instant now = settings.clock().instant();
            Bytes newId = YubicoCredentialAdapter.toBytes(attested.getCredentialId());
            Bytes publicKey = YubicoCredentialAdapter.toBytes(result.getPublicKeyCose());
            Optional<StoredCredential> existing = credentials.findCredential(newId);
            if (existing.isPresent() && !(existing.get().userHandle().equals(userHandle)
                    && existing.get().publicKeyCose().equals(publicKey))) {
                // A credential id the server already knows for someone else: never take it over.
                return endHealing(current, AttemptOutcome.REGISTRATION_FAILED, HealingResult.FAILED, null, -1,
                        receipt);
            }
            List<Effect> effects = new ArrayList<>();
            Set<String> transports = RegistrationVerification.transports(response.getResponse());
            effects.add(new Effect.SaveCredential(new StoredCredential(newId, userHandle, publicKey,
                    result.getSignatureCount(), transports, result.isBackupEligible(), result.isBackedUp(),
                    aaguid(result), now, null, clientInfo(current), null, CredentialStatus.ACTIVE, null)));
            Set<Bytes> flagged = new LinkedHashSet<>();
            Set<Bytes> toFlag = new LinkedHashSet<>(current.replacedCredentials());
            // A credential refused in this flow (e.g. a device-bound counter regression) is replaced too.
            toFlag.addAll(AssertionVerification.refusedCredentials(current.failures()));
            for (Bytes replaced : toFlag) {
                Optional<StoredCredential> old = replaced.equals(newId) ? Optional.empty()
                        : credentials.findCredential(replaced);
                if (old.isPresent() && old.get().userHandle().equals(userHandle)
                        && old.get().status() == CredentialStatus.ACTIVE) {
                    effects.add(new Effect.MarkReplaced(replaced, current.replacedStatus()));
                    flagged.add(replaced);
                }
            }
            addAttempt(effects, current, newId, AttemptOutcome.REGISTERED, null, -1, now);
            ClientSignal accepted = allAccepted(userHandle, newId);
            HealingKind kind = Objects.requireNonNull(current.healingKind());
            HealingResult healed = kind.hostInitiated() ? HealingResult.ENROLLED : HealingResult.HEALED;
            HealingPath path = silentOffer(current) ? HealingPath.SILENT : HealingPath.EXPLICIT;
            ledger.answered(current.flowId(), kind, userHandle, current.client().deviceId(), PasskeyEvent.Type.ACCEPTED,
                    now);
            FlowSnapshot next = runner.commit(move(current, FlowTransition.HEALED, e -> e.pending(null, null)
                    .healingResult(healed).newCredentialId(newId)), receipt, effects);
            if (kind.hostInitiated()) {
                publish(new LoginFlowEvent.Enrolled(next.flowId(), now, userHandle, newId));
            } else {
                publish(new LoginFlowEvent.Healed(next.flowId(), now, userHandle, newId, flagged, current.diagnosis(),
                        kind, path));
            }
            publish(new LoginFlowEvent.Completed(next.flowId(), now, userHandle,
                    Objects.requireNonNull(next.method()), healed));
            return stepFor(next, List.of(accepted), null);
        });
    }

    @Override
    public LoginStep reportHealingError(String flowId, String errorName, @Nullable String message, long elapsedMillis) {
        String name = validErrorName(errorName);
        long elapsed = Math.max(-1, elapsedMillis);
        StepReceipt receipt = StepReceipt.of(PendingCall.HEALING_ERROR, name);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.HEALING_PENDING);
            return switch (name) {
                case "InvalidStateError" -> endHealing(current, AttemptOutcome.ALREADY_REGISTERED,
                        HealingResult.ALREADY_EXISTED, name, elapsed, receipt);
                case "NotAllowedError", "AbortError", "TimeoutError" -> endHealing(current,
                        AttemptOutcome.REGISTRATION_CANCELLED, HealingResult.CANCELLED, name, elapsed, receipt);
                default -> endHealing(current, AttemptOutcome.REGISTRATION_FAILED, HealingResult.FAILED, name, elapsed,
                        receipt);
            };
        });
    }

    @Override
    public LoginStep declineHealing(String flowId) {
        StepReceipt receipt = StepReceipt.of(PendingCall.DECLINE_HEALING);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.HEALING_PENDING);
            return endHealing(current, AttemptOutcome.REGISTRATION_DECLINED, HealingResult.DECLINED, null, -1,
                    receipt);
        });
    }

    private LoginStep endHealing(FlowSnapshot current, AttemptOutcome outcome, HealingResult result,
            @Nullable String errorName, long elapsed, StepReceipt receipt) {
        Instant now = settings.clock().instant();
        List<Effect> effects = new ArrayList<>();
        addAttempt(effects, current, null, outcome, errorName, elapsed, now);
        Bytes userHandle = Objects.requireNonNull(current.userHandle());
        HealingKind kind = Objects.requireNonNull(current.healingKind());
        PasskeyEvent.Type answer = switch (result) {
            case DECLINED -> PasskeyEvent.Type.DECLINED;
            case CANCELLED -> PasskeyEvent.Type.CANCELLED;
            case ALREADY_EXISTED -> PasskeyEvent.Type.ACCEPTED;
            default -> null;
        };
        if (answer != null) {
            ledger.answered(current.flowId(), kind, userHandle, current.client().deviceId(), answer, now);
        }
        // Read before the commit point: the completion tells the provider which passkeys still count.
        ClientSignal accepted = allAccepted(userHandle, null);
        FlowSnapshot next = runner.commit(move(current, FlowTransition.HEALING_ENDED,
                e -> e.pending(null, null).healingResult(result)), receipt, effects);
        publish(new LoginFlowEvent.HealingDeclined(next.flowId(), now, next.userHandle(), result));
        publish(new LoginFlowEvent.Completed(next.flowId(), now, next.userHandle(),
                Objects.requireNonNull(next.method()), result));
        return stepFor(next, unlessEmpty(accepted), null);
    }

    /** Whether the pending offer is a silent one (conditional create): kept as the healing state's autoStart. */
    private static boolean silentOffer(FlowSnapshot s) {
        return s.state() == FlowState.HEALING_PENDING && s.autoStart();
    }

    @Override
    public LoginStep silentCreateDeclined(String flowId) {
        StepReceipt receipt = StepReceipt.of(PendingCall.SILENT_CREATE_DECLINED);
        return step(flowId, receipt, current -> {
            requireState(current, FlowState.HEALING_PENDING);
            if (!silentOffer(current)) {
                throw new LoginFlowException(Reason.ILLEGAL_TRANSITION, "no silent passkey creation is pending");
            }
            Instant now = settings.clock().instant();
            Bytes userHandle = Objects.requireNonNull(current.userHandle());
            UserAccount account = credentials.findUserByHandle(userHandle).orElseThrow(
                    () -> new LoginFlowException(Reason.ILLEGAL_TRANSITION, "the flow's account no longer exists"));
            // A fresh challenge for the explicit path: the silent one may have reached an authenticator.
            // The browser's silent refusal is not the user's answer, so no cooldown is recorded for it.
            PublicKeyCredentialCreationOptions options = RegistrationVerification.withoutExcluded(
                    startRegistration(account), AssertionVerification.refusedCredentials(current.failures()));
            FlowSnapshot next = runner.commit(move(current, FlowTransition.SILENT_CREATE_DECLINED,
                    e -> e.pending(toJson(options), now).autoStart(false)), receipt, List.of());
            LOG.debug("flow {}: silent passkey creation declined by the browser; explicit offer",
                    SnapshotCodec.abbreviate(flowId));
            return stepFor(next, List.of(), credentialsCreateJson(options));
        });
    }

    // ------------------------------------------------------------------ steps and state

    private LoginStep stepFor(FlowSnapshot s, List<ClientSignal> signals, @Nullable String ceremonyJson) {
        return switch (s.state()) {
            case PASSKEY_PENDING -> new LoginStep.PasskeyChallenge(s.flowId(),
                    ceremonyJson != null ? ceremonyJson : credentialsGetJson(assertionRequest(s)), s.autoStart(),
                    s.passkeyAttempts(), s.calmRetry(), signals, false, usernameless(s));
            case FALLBACK_PENDING -> fallbackStep(s, signals, passkeyAlternative(s));
            case HEALING_PENDING -> new LoginStep.HealingOffer(s.flowId(),
                    ceremonyJson != null ? ceremonyJson : credentialsCreateJson(creationOptions(s)),
                    Objects.requireNonNull(s.healingKind()), s.diagnosis(), s.platform(), signals, silentOffer(s));
            case COMPLETED -> new LoginStep.Completed(s.flowId(), Objects.requireNonNull(s.method()), s.userHandle(),
                    s.identifier(), Objects.requireNonNullElse(s.healingResult(), HealingResult.NOT_OFFERED),
                    s.newCredentialId(), settings.completionRedirect(), signals);
            case LOCKED -> throw new LoginFlowException(Reason.LOCKED, "too many failed logins; start again later");
            case NEW -> throw new IllegalStateException("a stored flow is never NEW");
        };
    }

    private LoginStep fallbackStep(FlowSnapshot s, List<ClientSignal> signals, boolean passkeyAlternative) {
        return new LoginStep.FallbackRequired(s.flowId(),
                s.fallbackFailures() > 0 ? FallbackReason.FALLBACK_FAILED
                        : Objects.requireNonNullElse(s.fallbackReason(), FallbackReason.PASSKEY_NOT_AVAILABLE),
                s.identifier(), settings.maxFallbackFailures() - s.fallbackFailures(), signals, passkeyAlternative);
    }

    private static void requireState(FlowSnapshot s, FlowState expected) {
        if (s.state() == FlowState.LOCKED) {
            throw new LoginFlowException(Reason.LOCKED, "too many failed logins; start again later");
        }
        if (s.state() != expected) {
            throw new LoginFlowException(Reason.ILLEGAL_TRANSITION,
                    "the flow is " + s.state() + ", this call needs " + expected);
        }
    }

    private static FlowSnapshot move(FlowSnapshot s, FlowTransition transition,
            UnaryOperator<FlowSnapshot.Editor> changes) {
        if (!transition.isLegalFrom(s.state())) {
            throw new LoginFlowException(Reason.ILLEGAL_TRANSITION,
                    transition + " is not allowed from " + s.state());
        }
        return changes.apply(s.edit().state(transition.to())).build();
    }

    private void addAttempt(List<Effect> effects, FlowSnapshot s, @Nullable Bytes credentialId,
            AttemptOutcome outcome, @Nullable String errorName, long elapsed, Instant now) {
        // A registration outcome records which offer it answered, so offers can be counted per kind.
        HealingKind kind = outcome.ceremony() == AttemptOutcome.Ceremony.REGISTRATION ? s.healingKind() : null;
        addAttempt(effects, s, credentialId, outcome, errorName, elapsed, now, null,
                kind == null ? null : kind.name());
    }

    private void addAttempt(List<Effect> effects, FlowSnapshot s, @Nullable Bytes credentialId,
            AttemptOutcome outcome, @Nullable String errorName, long elapsed, Instant now,
            @Nullable String attachment, @Nullable String offerKind) {
        Bytes userHandle = s.userHandle();
        if (userHandle != null) {
            effects.add(new Effect.AppendAttempt(new LoginAttempt(userHandle, s.client().deviceId(), credentialId,
                    outcome, errorName, elapsed, now, s.platform().storedName(), attachment, offerKind)));
        }
    }

    /** Runs a call through the step runner; a repeat gets the stored state's step again. */
    private LoginStep step(String flowId, StepReceipt receipt, Function<FlowSnapshot, LoginStep> body) {
        return runner.run(flowId, receipt, body, s -> stepFor(s, completionSignals(s), null));
    }

    /** Storage failures reached through Yubico's repository calls stay storage failures. */
    private static void rethrowStorageFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageException storage) {
                throw storage;
            }
            if (t instanceof LoginFlowException flow) {
                throw flow;
            }
        }
    }

    private static LoginFlowException invalidInput(String message, Exception e) {
        LOG.debug("invalid response: {}", e.getClass().getSimpleName());
        return new LoginFlowException(Reason.INVALID_INPUT, message);
    }

    private List<ClientSignal> completionSignals(FlowSnapshot s) {
        Bytes userHandle = s.userHandle();
        // Every authenticated completion of a known account carries the full accepted list.
        if (s.state() == FlowState.COMPLETED && userHandle != null) {
            return unlessEmpty(allAccepted(userHandle, null));
        }
        return List.of();
    }

    private void publish(LoginFlowEvent event) {
        for (LoginFlowListener listener : settings.listeners()) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("login flow listener {} failed on {}; ignored", listener.getClass().getName(),
                        event.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * The full list of the account's accepted credentials, plus {@code added} when a step is about
     * to store it: never a partial list, since providers may hide every passkey not listed.
     */
    private ClientSignal allAccepted(Bytes userHandle, @Nullable Bytes added) {
        return allAccepted(userHandle, added, credentials.listCredentials(userHandle));
    }

    private ClientSignal allAccepted(Bytes userHandle, @Nullable Bytes added, List<StoredCredential> list) {
        List<String> ids = new ArrayList<>();
        for (StoredCredential c : list) {
            if (c.status().acceptsLogin() && !c.credentialId().equals(added)) {
                ids.add(c.credentialId().toBase64Url());
            }
        }
        if (added != null) {
            ids.add(added.toBase64Url());
        }
        return new ClientSignal.AllAcceptedCredentials(settings.rpId(), userHandle.toBase64Url(), ids);
    }

    /**
     * The accepted-credentials signal for a completion, or none when the account has no accepted
     * passkey: an empty list would make providers hide every passkey of the user, and the likeliest
     * empty list is an accident (a storage view missing rows, a passkey being added in another
     * flow), not a fact worth acting on.
     */
    private static List<ClientSignal> unlessEmpty(ClientSignal accepted) {
        return accepted instanceof ClientSignal.AllAcceptedCredentials all && all.allAcceptedCredentialIds().isEmpty()
                ? List.of() : List.of(accepted);
    }

    private static ClientInfo clientInfo(FlowSnapshot s) {
        return new ClientInfo(s.client().deviceId(), s.platform() == ClientPlatform.OTHER ? null
                : s.platform().storedName(), null);
    }

    // ------------------------------------------------------------------ Yubico

    private AssertionRequest startAssertion(String identifier) {
        return relyingParty.startAssertion(StartAssertionOptions.builder()
                .username(identifier)
                .userVerification(userVerification())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    private AssertionResult finishAssertion(AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response) {
        try {
            return relyingParty.finishAssertion(FinishAssertionOptions.builder().request(request).response(response)
                    .build());
        } catch (AssertionFailedException e) {
            throw new FailedAssertion(e);
        }
    }

    /** Carries Yubico's checked failure through the supplier that serves known reads. */
    private static final class FailedAssertion extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FailedAssertion(AssertionFailedException cause) {
            super(null, cause, false, false);
        }

        AssertionFailedException failure() {
            return (AssertionFailedException) getCause();
        }
    }

    /** As {@link #startAssertion(String)}, with the account's credentials the step has already listed. */
    private AssertionRequest startAssertion(YubicoCredentialAdapter.KnownReads known) {
        return yubicoCredentials.with(known, () -> startAssertion(known.identifier()));
    }

    private PublicKeyCredentialCreationOptions startRegistration(UserAccount user) {
        return relyingParty.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder()
                        .name(user.identifier())
                        .displayName(user.displayName())
                        .id(YubicoCredentialAdapter.toByteArray(user.userHandle()))
                        .build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.valueOf(settings.residentKey().name()))
                        .userVerification(userVerification())
                        .build())
                .timeout(settings.ceremonyTimeout().toMillis())
                .build());
    }

    private UserVerificationRequirement userVerification() {
        return UserVerificationRequirement.valueOf(settings.userVerification().name());
    }

    /**
     * Checks that can be made precisely before Yubico's verification, so that the outcome is
     * classified from data rather than from exception messages.
     *
     * @return the rejection, or {@code null} when Yubico should verify
     */
    private @Nullable AttemptOutcome precheckAssertion(FlowSnapshot s, AssertionRequest request,
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
            Optional<StoredCredential> stored) {
        if (stored.isEmpty()) {
            return AttemptOutcome.UNKNOWN_CREDENTIAL;
        }
        if (!stored.get().userHandle().equals(s.userHandle())) {
            return AttemptOutcome.WRONG_USER;
        }
        if (!stored.get().status().acceptsLogin()) {
            return AttemptOutcome.CREDENTIAL_RETIRED;
        }
        Optional<Bytes> presentedHandle = response.getResponse().getUserHandle().map(YubicoCredentialAdapter::toBytes);
        if (presentedHandle.isPresent() && !presentedHandle.get().equals(s.userHandle())) {
            return AttemptOutcome.WRONG_USER;
        }
        CollectedClientData clientData = response.getResponse().getClientData();
        if (!"webauthn.get".equals(clientData.getType())) {
            return AttemptOutcome.VERIFICATION_FAILED;
        }
        if (!clientData.getChallenge().equals(request.getPublicKeyCredentialRequestOptions().getChallenge())) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        Instant issued = s.challengeIssuedAt();
        if (issued == null || settings.clock().instant().isAfter(
                issued.plus(settings.ceremonyTimeout()).plus(CHALLENGE_GRACE))) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        if (!settings.origins().contains(clientData.getOrigin())) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (!ClientDataFrame.of(response.getResponse().getClientDataJSON().getBytes())
                .allowedBy(settings.allowedTopOrigins())) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (!MessageDigest.isEqual(response.getResponse().getParsedAuthenticatorData().getRpIdHash().getBytes(),
                rpIdHash)) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (settings.userVerification() == UserVerification.REQUIRED
                && !response.getResponse().getParsedAuthenticatorData().getFlags().UV) {
            return AttemptOutcome.USER_VERIFICATION_MISSING;
        }
        return null;
    }

    private static AttemptOutcome classifyAssertionFailure(AssertionFailedException e) {
        String message = Objects.requireNonNullElse(e.getMessage(), "").toLowerCase(Locale.ROOT);
        if (message.contains("signature")) {
            return AttemptOutcome.BAD_SIGNATURE;
        }
        if (message.contains("origin") || message.contains("rp id")) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (message.contains("challenge")) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        if (message.contains("user verification")) {
            return AttemptOutcome.USER_VERIFICATION_MISSING;
        }
        return AttemptOutcome.VERIFICATION_FAILED;
    }

    private AttemptOutcome classifyGetError(String name, long elapsed) {
        return switch (name) {
            case "NotAllowedError", "AbortError" -> elapsed >= settings.ceremonyTimeout().toMillis()
                    ? AttemptOutcome.TIMED_OUT : AttemptOutcome.CANCELLED;
            case "TimeoutError" -> AttemptOutcome.TIMED_OUT;
            case "SecurityError" -> AttemptOutcome.SECURITY_ERROR;
            default -> AttemptOutcome.CLIENT_ERROR;
        };
    }

    private AssertionRequest assertionRequest(FlowSnapshot s) {
        try {
            return YUBICO_JSON.readValue(Objects.requireNonNull(s.pendingRequestJson()), AssertionRequest.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "stored assertion request is unreadable", e);
        }
    }

    private PublicKeyCredentialCreationOptions creationOptions(FlowSnapshot s) {
        try {
            return YUBICO_JSON.readValue(Objects.requireNonNull(s.pendingRequestJson()),
                    PublicKeyCredentialCreationOptions.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new LoginFlowException(Reason.STORAGE_FAILURE, "stored creation options are unreadable", e);
        }
    }

    /** A Yubico JSON writer; they only fail on a broken Jackson set-up, which is a bug, not input. */
    @FunctionalInterface
    private interface JsonWriter {
        String write() throws JsonProcessingException;
    }

    private static String json(JsonWriter writer) {
        try {
            return writer.write();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a WebAuthn request", e);
        }
    }

    static String toJson(AssertionRequest request) {
        return json(() -> YUBICO_JSON.writeValueAsString(request));
    }

    static String toJson(PublicKeyCredentialCreationOptions options) {
        return json(() -> YUBICO_JSON.writeValueAsString(options));
    }

    /** What {@code toCredentialsGetJson()} gives: the options under {@code publicKey}. */
    static String credentialsGetJson(AssertionRequest request) {
        return json(() -> YUBICO_JSON.writeValueAsString(
                Map.of("publicKey", request.getPublicKeyCredentialRequestOptions())));
    }

    /** What {@code toCredentialsCreateJson()} gives: the options under {@code publicKey}. */
    static String credentialsCreateJson(PublicKeyCredentialCreationOptions options) {
        return json(() -> YUBICO_JSON.writeValueAsString(Map.of("publicKey", options)));
    }

    private static @Nullable Bytes aaguid(RegistrationResult result) {
        byte[] value = result.getAaguid().getBytes();
        return value.length == 16 ? Bytes.of(value) : null;
    }

    // ------------------------------------------------------------------ input

    private String normalizeIdentifier(String identifier) {
        if (identifier == null) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier is required");
        }
        if (identifier.length() > MAX_IDENTIFIER_LENGTH * 4) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier is too long");
        }
        String normalized = settings.identifierNormalizer().apply(identifier);
        if (normalized == null || normalized.isBlank()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "identifier must not be blank");
        }
        if (normalized.length() > MAX_IDENTIFIER_LENGTH) {
            throw new LoginFlowException(Reason.INVALID_INPUT,
                    "identifier must be at most " + MAX_IDENTIFIER_LENGTH + " characters");
        }
        return normalized;
    }

    private static String validErrorName(String errorName) {
        if (errorName == null || errorName.isBlank()) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "errorName is required");
        }
        String trimmed = errorName.strip();
        return trimmed.length() <= MAX_ERROR_NAME_LENGTH ? trimmed : trimmed.substring(0, MAX_ERROR_NAME_LENGTH);
    }

    private void checkSize(String responseJson) {
        if (responseJson == null) {
            throw new LoginFlowException(Reason.INVALID_INPUT, "response JSON is required");
        }
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit; check cheaply before encoding.
        if (responseJson.length() > settings.maxResponseBytes()
                || (responseJson.length() * 3L > settings.maxResponseBytes()
                        && responseJson.getBytes(StandardCharsets.UTF_8).length > settings.maxResponseBytes())) {
            throw new LoginFlowException(Reason.INVALID_INPUT,
                    "response is larger than " + settings.maxResponseBytes() + " bytes");
        }
    }

    private String newFlowId() {
        byte[] bytes = new byte[FLOW_ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
