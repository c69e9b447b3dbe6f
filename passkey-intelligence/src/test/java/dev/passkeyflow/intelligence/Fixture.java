package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.PasskeyFailure;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** In-memory repositories, an injected clock and helpers to write history and build contexts. */
final class Fixture {

    static final UUID ICLOUD = UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
    static final UUID ONE_PASSWORD = UUID.fromString("bada5566-a7aa-401f-bd96-45619a55120d");
    static final UUID WINDOWS_HELLO = UUID.fromString("08987058-cadc-4b81-b6e1-30de50dcbe96");
    static final String MAC = "mac-1";
    static final String PHONE = "phone-1";
    static final String OTHER = "other-1";

    final MutableClock clock = new MutableClock();
    final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    final UserAccount user =
            new UserAccount(Bytes.of("user-1".getBytes(StandardCharsets.UTF_8)), "ann@example.com", "Ann");
    private int nextId;

    Fixture() {
        credentials.saveUser(user);
    }

    PasskeyIntelligence intelligence() {
        return intelligence(AutoHealingPolicy.ofDefaults());
    }

    PasskeyIntelligence intelligence(AutoHealingPolicy policy) {
        return PasskeyIntelligence.builder()
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .policy(policy)
                .build();
    }

    /** A credential created on {@code deviceId} one day before now. */
    StoredCredential credential(@Nullable UUID aaguid, boolean synced, String deviceId, String platform) {
        Bytes id = Bytes.of(("cred-" + nextId++).getBytes(StandardCharsets.UTF_8));
        StoredCredential c = new StoredCredential(
                id,
                user.userHandle(),
                Bytes.of(new byte[] {1, 2, 3}),
                0,
                synced ? Set.of("hybrid", "internal") : Set.of("internal"),
                synced,
                synced,
                aaguid == null ? null : PasskeyProviders.toBytes(aaguid),
                clock.instant().minus(Duration.ofDays(1)),
                null,
                new ClientInfo(deviceId, platform, null),
                null,
                CredentialStatus.ACTIVE,
                null);
        credentials.saveCredential(c);
        return c;
    }

    StoredCredential icloudOnMac() {
        return credential(ICLOUD, true, MAC, "macOS");
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    /** A recorded successful login with {@code c} on a device, now; also updates the credential's last use. */
    void success(StoredCredential c, String deviceId) {
        credentials.recordUse(
                c.credentialId(), 0, c.backupState(), clock.instant(), new ClientInfo(deviceId, null, null));
        append(deviceId, c.credentialId(), AttemptOutcome.SUCCEEDED, null, -1);
    }

    /** A recorded successful login with {@code c} from another device's authenticator (a phone by QR code), now. */
    void crossDeviceSuccess(StoredCredential c, String deviceId) {
        credentials.recordUse(
                c.credentialId(), 0, c.backupState(), clock.instant(), new ClientInfo(deviceId, null, null));
        attempts.append(new LoginAttempt(
                user.userHandle(),
                deviceId,
                c.credentialId(),
                AttemptOutcome.SUCCEEDED,
                null,
                -1,
                clock.instant(),
                null,
                "cross-platform",
                null));
        clock.advance(Duration.ofSeconds(1));
    }

    void failure(String deviceId, long elapsedMillis) {
        append(deviceId, null, AttemptOutcome.CANCELLED, "NotAllowedError", elapsedMillis);
    }

    void append(
            @Nullable String deviceId,
            @Nullable Bytes credentialId,
            AttemptOutcome outcome,
            @Nullable String errorName,
            long elapsed) {
        attempts.append(new LoginAttempt(
                user.userHandle(), deviceId, credentialId, outcome, errorName, elapsed, clock.instant(), null));
        clock.advance(Duration.ofSeconds(1));
    }

    /** A whole failed flow on a device: failures, then a successful fallback. */
    void failedFlow(String deviceId, long... elapsed) {
        for (long e : elapsed) {
            failure(deviceId, e);
        }
        append(deviceId, null, AttemptOutcome.FALLBACK_SUCCEEDED, null, -1);
    }

    static ClientContext mac() {
        return client(
                MAC,
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                        + "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
                null,
                true,
                null);
    }

    static ClientContext iphone(String deviceId) {
        return client(
                deviceId,
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                        + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                null,
                true,
                null);
    }

    static ClientContext windows(String deviceId, @Nullable Boolean hybrid) {
        return client(
                deviceId,
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/124.0.0.0 Safari/537.36",
                "Windows",
                true,
                hybrid);
    }

    static ClientContext client(
            @Nullable String deviceId,
            String userAgent,
            @Nullable String hint,
            boolean canCreate,
            @Nullable Boolean hybrid) {
        java.util.Map<String, Boolean> caps = new java.util.HashMap<>();
        caps.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, canCreate);
        if (hybrid != null) {
            caps.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, hybrid);
        }
        return ClientContext.builder()
                .deviceId(deviceId)
                .userAgent(userAgent)
                .hints(hint == null ? ClientHints.none() : new ClientHints(hint, null, null))
                .capabilities(Map.copyOf(caps))
                .userVerifyingPlatformAuthenticator(canCreate)
                .build();
    }

    StartContext start(ClientContext client) {
        return new StartContext(user, credentials.listCredentials(user.userHandle()), client, clock.instant());
    }

    static PasskeyFailure cancel(long elapsedMillis) {
        return new PasskeyFailure(AttemptOutcome.CANCELLED, "NotAllowedError", elapsedMillis, null);
    }

    /** The failure context for {@code current}, after the failures already recorded in this flow. */
    FailureContext failed(ClientContext client, PasskeyFailure current, PasskeyFailure... earlierInFlow) {
        List<PasskeyFailure> all = new ArrayList<>(List.of(earlierInFlow));
        all.add(current);
        return new FailureContext(
                user,
                credentials.listCredentials(user.userHandle()),
                client,
                current,
                all,
                all.size(),
                clock.instant());
    }

    /**
     * The healing context after a traditional login; with failures, the flow fell back because they
     * failed ({@link FallbackReason#PASSKEY_FAILED}).
     */
    HealingContext healing(ClientContext client, FailureDiagnosis last, PasskeyFailure... failuresInFlow) {
        return new HealingContext(
                user,
                credentials.listCredentials(user.userHandle()),
                client,
                AuthenticationMethod.FALLBACK,
                List.of(failuresInFlow),
                last,
                clock.instant(),
                failuresInFlow.length == 0 ? null : FallbackReason.PASSKEY_FAILED);
    }

    /** The healing context after a fallback the flow asked for with {@code reason}. */
    HealingContext healing(
            ClientContext client,
            @Nullable FallbackReason reason,
            FailureDiagnosis last,
            PasskeyFailure... failuresInFlow) {
        return new HealingContext(
                user,
                credentials.listCredentials(user.userHandle()),
                client,
                AuthenticationMethod.FALLBACK,
                List.of(failuresInFlow),
                last,
                clock.instant(),
                reason);
    }

    Instant now() {
        return clock.instant();
    }
}
