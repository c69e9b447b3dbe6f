package dev.passkeyflow.core.manage;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passkey settings of a signed-in user: list, rename, delete, retire and add passkeys.
 *
 * <p>Every method takes the user handle of the host's signed-in session and acts only on that
 * account's passkeys: an id that belongs to another account is answered exactly like an unknown
 * one ({@link ManagementResult.NotFound}). Call it only from handlers that require a session.
 *
 * <p>Signals: after a deletion or retirement the result carries
 * {@code signalAllAcceptedCredentials} with the account's complete remaining list (never partial:
 * providers may hide every passkey not listed), and after a deletion also
 * {@code signalUnknownCredential} for the deleted id, since then no account owns it (WebAuthn
 * Level 3 §5.1.10, https://w3c.github.io/webauthn/#sctn-signal-methods). After a profile change,
 * {@link #profileChanged} gives {@code signalCurrentUserDetails}.
 *
 * <p>Thread-safe; it keeps no state of its own.
 */
public final class PasskeyManager {

    private static final Logger LOG = LoggerFactory.getLogger(PasskeyManager.class);

    /** The longest nickname accepted, in characters: {@value}. */
    public static final int MAX_NICKNAME_LENGTH = 64;
    /** How far back evidence is read: {@value} days. */
    public static final int EVIDENCE_DAYS = 400;

    private static final int EVIDENCE_LIMIT = 50;
    private static final String DEFAULT_NAME = "Passkey";

    private final String rpId;
    private final CredentialRepository credentials;
    private final @Nullable LoginAttemptRepository attempts;
    private final @Nullable LoginFlow flow;
    private final Function<@Nullable Bytes, Optional<String>> providerNames;
    private final List<Consumer<PasskeyManagementEvent>> listeners;
    private final Clock clock;

    private PasskeyManager(Builder b) {
        this.rpId = Objects.requireNonNull(b.rpId);
        this.credentials = Objects.requireNonNull(b.credentials);
        this.attempts = b.attempts;
        this.flow = b.flow;
        this.providerNames = b.providerNames;
        this.listeners = List.copyOf(b.listeners);
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The account's passkeys, oldest first, retired ones included (shown as such).
     *
     * @param deviceId the asking client's long-lived device id, for "on this device"; {@code null} if
     *     it sent none (then no passkey is said to be on this device)
     */
    public List<ManagedPasskey> list(Bytes userHandle, @Nullable String deviceId) {
        Objects.requireNonNull(userHandle, "userHandle");
        Instant now = clock.instant();
        List<LoginAttempt> onDevice = deviceId == null || attempts == null
                ? List.of()
                : attempts.recentByDevice(deviceId, now.minus(Duration.ofDays(EVIDENCE_DAYS)), EVIDENCE_LIMIT).stream()
                        .filter(a -> a.userHandle().equals(userHandle))
                        .toList();
        List<ManagedPasskey> list = new ArrayList<>();
        for (StoredCredential c : credentials.listCredentials(userHandle)) {
            list.add(describe(c, deviceId, onDevice, now));
        }
        return List.copyOf(list);
    }

    private ManagedPasskey describe(
            StoredCredential c, @Nullable String deviceId, List<LoginAttempt> onDevice, Instant now) {
        List<LoginAttempt> own = attempts == null
                ? List.of()
                : attempts.recentByCredential(
                        c.credentialId(), now.minus(Duration.ofDays(EVIDENCE_DAYS)), EVIDENCE_LIMIT);
        LoginAttempt successHere = deviceId == null
                ? null
                : own.stream()
                        .filter(a -> a.outcome() == AttemptOutcome.SUCCEEDED && deviceId.equals(a.deviceId()))
                        .findFirst()
                        .orElse(null);
        Instant successAt = successHere == null ? null : successHere.at();
        // A failure here after the last success here: a named failure of this credential, or a
        // browser error (which names no credential) on a device where this one was the local passkey.
        LoginAttempt failureHere = onDevice.stream()
                .filter(a -> a.outcome().isAuthenticationFailure())
                .filter(a -> a.credentialId() == null || a.credentialId().equals(c.credentialId()))
                .filter(a -> successAt == null || a.at().isAfter(successAt))
                .findFirst()
                .orElse(null);
        boolean createdHere = deviceId != null && deviceId.equals(c.createdOn().deviceId());
        boolean usedHereLocally = successHere != null && !successHere.crossPlatformSuccess();
        List<ManagedPasskey.Evidence> evidence = evidence(c, deviceId, successHere, failureHere, createdHere);
        boolean onThisDevice = c.status().acceptsLogin()
                && failureHere == null
                && (usedHereLocally || (createdHere && successHere == null));
        String provider = providerNames.apply(c.aaguid()).orElse(null);
        String name = c.nickname() != null ? c.nickname() : provider != null ? provider : DEFAULT_NAME;
        return new ManagedPasskey(
                c.credentialId(),
                name,
                c.nickname(),
                provider,
                c.createdAt(),
                c.lastUsedAt(),
                c.status(),
                c.backupState(),
                onThisDevice,
                evidence);
    }

    /**
     * What the list says about one passkey, newest first: its status, and what the asking device
     * saw of it (the last success and a later failure here, or a use elsewhere, and its creation).
     */
    private static List<ManagedPasskey.Evidence> evidence(
            StoredCredential c,
            @Nullable String deviceId,
            @Nullable LoginAttempt successHere,
            @Nullable LoginAttempt failureHere,
            boolean createdHere) {
        List<ManagedPasskey.Evidence> evidence = new ArrayList<>();
        boolean usedHereLocally = successHere != null && !successHere.crossPlatformSuccess();
        if (c.status() == CredentialStatus.RETIRED) {
            evidence.add(new ManagedPasskey.Evidence(ManagedPasskey.Kind.RETIRED, null));
        } else if (c.status() == CredentialStatus.SUSPECTED_BROKEN) {
            evidence.add(new ManagedPasskey.Evidence(ManagedPasskey.Kind.REPLACED_BY_HEALING, null));
        }
        if (failureHere != null && (usedHereLocally || createdHere)) {
            evidence.add(new ManagedPasskey.Evidence(ManagedPasskey.Kind.FAILED_ON_THIS_DEVICE, failureHere.at()));
        }
        if (successHere != null) {
            evidence.add(new ManagedPasskey.Evidence(
                    usedHereLocally
                            ? ManagedPasskey.Kind.USED_ON_THIS_DEVICE
                            : ManagedPasskey.Kind.USED_FROM_ANOTHER_DEVICE_HERE,
                    successHere.at()));
        } else if (c.lastUsedOn() != null
                && c.lastUsedAt() != null
                && deviceId != null
                && !deviceId.equals(c.lastUsedOn().deviceId())) {
            evidence.add(new ManagedPasskey.Evidence(ManagedPasskey.Kind.LAST_USED_ELSEWHERE, c.lastUsedAt()));
        }
        if (createdHere) {
            evidence.add(new ManagedPasskey.Evidence(ManagedPasskey.Kind.CREATED_ON_THIS_DEVICE, c.createdAt()));
        }
        evidence.sort(Comparator.comparing((ManagedPasskey.Evidence e) -> e.at() == null ? Instant.MAX : e.at())
                .reversed());
        return evidence;
    }

    /**
     * Renames one of the account's passkeys.
     *
     * @param nickname the new name (trimmed; 1 to {@value #MAX_NICKNAME_LENGTH} characters, no control
     *     characters), or {@code null} to go back to the provider's name
     */
    public ManagementResult rename(Bytes userHandle, Bytes credentialId, @Nullable String nickname) {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(credentialId, "credentialId");
        String name = null;
        if (nickname != null) {
            name = nickname.strip();
            if (name.isEmpty()) {
                return new ManagementResult.InvalidName("the name must not be blank");
            }
            if (name.length() > MAX_NICKNAME_LENGTH) {
                return new ManagementResult.InvalidName(
                        "the name must be at most " + MAX_NICKNAME_LENGTH + " characters");
            }
            if (name.chars().anyMatch(ch -> Character.isISOControl(ch))) {
                return new ManagementResult.InvalidName("the name must not contain control characters");
            }
        }
        Optional<StoredCredential> owned = owned(userHandle, credentialId);
        if (owned.isEmpty() || !credentials.setNickname(credentialId, name)) {
            return new ManagementResult.NotFound(credentialId);
        }
        Instant now = clock.instant();
        publish(new PasskeyManagementEvent.PasskeyRenamed(now, userHandle, credentialId, name));
        return new ManagementResult.Renamed(describe(owned.get().withNickname(name), null, List.of(), now));
    }

    /**
     * Deletes one of the account's passkeys for good. The result's signals tell the browser's
     * provider to drop it too.
     */
    public ManagementResult delete(Bytes userHandle, Bytes credentialId) {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(credentialId, "credentialId");
        if (owned(userHandle, credentialId).isEmpty() || !credentials.deleteCredential(credentialId)) {
            return new ManagementResult.NotFound(credentialId);
        }
        List<ClientSignal> signals = new ArrayList<>();
        signals.add(allAcceptedCredentials(userHandle));
        // Only when no account at all owns the id: the provider deletes the passkey for good.
        if (credentials.findCredential(credentialId).isEmpty()) {
            signals.add(new ClientSignal.UnknownCredential(rpId, credentialId.toBase64Url()));
        }
        publish(new PasskeyManagementEvent.PasskeyDeleted(clock.instant(), userHandle, credentialId));
        LOG.debug("a passkey was deleted by its user");
        return new ManagementResult.Removed(credentialId, false, signals);
    }

    /**
     * Retires one of the account's passkeys: it stays in storage (for history) and is never
     * accepted for login again. The result's signal lists the remaining accepted passkeys, so
     * providers may hide this one; {@code signalUnknownCredential} is not sent, since the server
     * still knows the id.
     */
    public ManagementResult retire(Bytes userHandle, Bytes credentialId) {
        Objects.requireNonNull(userHandle, "userHandle");
        Objects.requireNonNull(credentialId, "credentialId");
        Optional<StoredCredential> owned = owned(userHandle, credentialId);
        if (owned.isEmpty()) {
            return new ManagementResult.NotFound(credentialId);
        }
        if (owned.get().status() == CredentialStatus.RETIRED) {
            return new ManagementResult.AlreadyRetired(credentialId);
        }
        if (!credentials.setStatus(credentialId, CredentialStatus.RETIRED)) {
            return new ManagementResult.NotFound(credentialId);
        }
        publish(new PasskeyManagementEvent.PasskeyRetired(clock.instant(), userHandle, credentialId));
        return new ManagementResult.Removed(credentialId, true, List.of(allAcceptedCredentials(userHandle)));
    }

    /**
     * Starts adding a passkey for the signed-in account: {@link LoginFlow#enrol}, whose completion
     * says {@code ENROLLED}, not healing.
     *
     * @throws IllegalStateException if the manager was built without a {@link Builder#loginFlow}
     * @throws dev.passkeyflow.core.LoginFlowException as {@link LoginFlow#enrol} does
     */
    public LoginStep add(UserAccount account, ClientContext client) {
        Objects.requireNonNull(account, "account");
        if (flow == null) {
            throw new IllegalStateException("PasskeyManager.add needs a loginFlow");
        }
        LoginStep step = flow.enrol(account.identifier(), client);
        publish(new PasskeyManagementEvent.PasskeyAddStarted(clock.instant(), account.userHandle(), step.flowId()));
        return step;
    }

    /**
     * The host changed the account's identifier or display name: stores it and returns the
     * {@code signalCurrentUserDetails} call for the page, so providers show the new names.
     *
     * @throws dev.passkeyflow.storage.StorageException {@code DUPLICATE} if another account has the
     *     identifier (nothing changed)
     */
    public ClientSignal profileChanged(UserAccount account) {
        Objects.requireNonNull(account, "account");
        credentials.saveUser(account);
        publish(new PasskeyManagementEvent.ProfileChanged(clock.instant(), account.userHandle()));
        return new ClientSignal.CurrentUserDetails(
                rpId, account.userHandle().toBase64Url(), account.identifier(), account.displayName());
    }

    /** {@code signalAllAcceptedCredentials} with every passkey the account can still log in with. */
    public ClientSignal allAcceptedCredentials(Bytes userHandle) {
        List<String> ids = credentials.listCredentials(userHandle).stream()
                .filter(c -> c.status().acceptsLogin())
                .map(c -> c.credentialId().toBase64Url())
                .toList();
        return new ClientSignal.AllAcceptedCredentials(rpId, userHandle.toBase64Url(), ids);
    }

    private Optional<StoredCredential> owned(Bytes userHandle, Bytes credentialId) {
        return credentials
                .findCredential(credentialId)
                .filter(c -> c.userHandle().equals(userHandle));
    }

    private void publish(PasskeyManagementEvent event) {
        for (Consumer<PasskeyManagementEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn(
                        "passkey management listener {} failed on {}; ignored",
                        listener.getClass().getName(),
                        event.getClass().getSimpleName(),
                        e);
            }
        }
    }

    /** Builds a {@link PasskeyManager}; required: {@link #rpId} and {@link #credentialRepository}. */
    public static final class Builder {
        private @Nullable String rpId;
        private @Nullable CredentialRepository credentials;
        private @Nullable LoginAttemptRepository attempts;
        private @Nullable LoginFlow flow;
        private Function<@Nullable Bytes, Optional<String>> providerNames = aaguid -> Optional.empty();
        private final List<Consumer<PasskeyManagementEvent>> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The RP id the signals name; the same as the login flow's. */
        public Builder rpId(String value) {
            Objects.requireNonNull(value, "rpId");
            if (value.isBlank() || value.contains("/") || value.contains(":")) {
                throw new IllegalArgumentException("rpId must be a bare domain name, was '" + value + "'");
            }
            this.rpId = value.toLowerCase(Locale.ROOT);
            return this;
        }

        /** The same repository the login flow uses. */
        public Builder credentialRepository(CredentialRepository value) {
            this.credentials = Objects.requireNonNull(value, "credentialRepository");
            return this;
        }

        /** The login history, for evidence and "on this device"; optional (without it: no evidence from history). */
        public Builder loginAttemptRepository(LoginAttemptRepository value) {
            this.attempts = Objects.requireNonNull(value, "loginAttemptRepository");
            return this;
        }

        /** The login flow whose {@code enrol} adds passkeys; optional (without it {@link #add} throws). */
        public Builder loginFlow(LoginFlow value) {
            this.flow = Objects.requireNonNull(value, "loginFlow");
            return this;
        }

        /**
         * Provider names by AAGUID (16 bytes, or {@code null} when unknown), e.g.
         * {@code PasskeyProviders.standard()::nameOf} from passkey-intelligence. Default: none.
         */
        public Builder providerNames(Function<@Nullable Bytes, Optional<String>> value) {
            this.providerNames = Objects.requireNonNull(value, "providerNames");
            return this;
        }

        /** Called after each change; a listener that throws is logged and ignored. */
        public Builder listener(Consumer<PasskeyManagementEvent> value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Builds the manager from the settings made so far.
         *
         * @return a new, thread-safe {@link PasskeyManager}
         * @throws IllegalStateException naming the first missing required setting
         */
        public PasskeyManager build() {
            if (rpId == null) {
                throw new IllegalStateException("rpId is required");
            }
            if (credentials == null) {
                throw new IllegalStateException("credentialRepository is required");
            }
            return new PasskeyManager(this);
        }
    }
}
