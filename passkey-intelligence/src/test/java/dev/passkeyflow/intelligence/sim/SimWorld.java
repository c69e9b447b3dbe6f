package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.intelligence.sim.Scenario.Break;
import dev.passkeyflow.intelligence.sim.Scenario.DeviceSpec;
import dev.passkeyflow.intelligence.sim.Scenario.UserScript;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.storage.memory.InMemoryCredentialRepository;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository;
import dev.passkeyflow.testkit.MutableClock;
import dev.passkeyflow.testkit.authenticator.AuthenticatorCredential;
import dev.passkeyflow.testkit.authenticator.AuthenticatorException;
import dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Replays a {@link Scenario} through a real {@link LoginFlow} with one advisor: its own clock,
 * in-memory repositories and software authenticators, and the simulated users' behaviour.
 */
final class SimWorld {

    static final String ORIGIN = "https://example.com";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");

    /** Probability a user cancels the first prompt although the passkey works; retries are cancelled more often. */
    static final double CANCEL_FIRST = 0.08;
    static final double CANCEL_RETRY = 0.25;
    static final double TIMEOUT = 0.005;
    /** Share of failures without a credential that the browser reports at once (the rest after a dialog). */
    static final double ABSENT_FAST = 0.85;
    static final double CLICK_IF_PRESENT = 0.95;
    static final double CLICK_IF_ABSENT = 0.15;
    /** Share of unwilling users who cancel the OS dialog instead of declining on the page. */
    static final double UNWILLING_CANCELS_DIALOG = 0.3;

    private final String name;
    private final Scenario scenario;
    private final MutableClock clock = new MutableClock(Scenario.START);
    private final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    private final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    private final LoginFlow flow;
    private final Random ids;

    /** Per flow: the last diagnosis the flow published. */
    private final Map<String, FailureDiagnosis> diagnoses = new HashMap<>();

    private final Map<String, Device> devices = new HashMap<>();
    private final Map<String, List<SoftwareAuthenticator>> groups = new HashMap<>();
    private final Map<SoftwareAuthenticator, String> groupOf = new HashMap<>();

    // metrics
    private int logins;
    private int completed;
    private int failedPrompts;
    private int brokenEpisodes;
    private int brokenHealed;
    private int falseOffers;
    private int offers;
    private int heals;
    private int diagnosed;
    private int diagnosedCorrectly;
    private int diagnosedAll;
    private int diagnosedAllCorrectly;
    private int passkeyLogins;
    private int fallbackLogins;
    private int newDeviceEpisodes;
    private int newDeviceHealed;

    /** A device at run time. */
    private static final class Device {
        final DeviceSpec spec;
        final @Nullable SoftwareAuthenticator platform;
        final @Nullable SoftwareAuthenticator pm;
        boolean pmSignedIn;
        final ClientContext client;
        /** Per credential id: when this device last signed in with it. */
        final Map<String, Instant> lastSuccessWith = new HashMap<>();
        @Nullable Episode episode;
        boolean newDeviceEpisodeOpen;

        Device(DeviceSpec spec, @Nullable SoftwareAuthenticator platform, @Nullable SoftwareAuthenticator pm) {
            this.spec = spec;
            this.platform = platform;
            this.pm = pm;
            this.pmSignedIn = pm != null;
            Map<String, Boolean> capabilities = new LinkedHashMap<>();
            capabilities.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, spec.canCreate());
            capabilities.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, true);
            capabilities.put(ClientContext.CAPABILITY_CONDITIONAL_GET, true);
            this.client = ClientContext.builder()
                    .deviceId(spec.id())
                    .userAgent(spec.userAgent())
                    .hints(spec.uaPlatformHint() == null ? ClientHints.none()
                            : new ClientHints(spec.uaPlatformHint(), null, null))
                    .capabilities(capabilities)
                    .userVerifyingPlatformAuthenticator(spec.canCreate())
                    .conditionalMediation(true)
                    .build();
        }

        List<SoftwareAuthenticator> active() {
            List<SoftwareAuthenticator> list = new ArrayList<>(2);
            if (pm != null && pmSignedIn) {
                list.add(pm);
            }
            if (platform != null) {
                list.add(platform);
            }
            return list;
        }
    }

    /** A broken passkey on one device, from the break until the first fallback login there. */
    private static final class Episode {
        final Break cause;
        final Instant at;
        /** The credential this device last used before the break, if any. */
        final @Nullable String credential;
        final @Nullable Instant deviceLastSuccess;

        Episode(Break cause, Instant at, @Nullable String credential, @Nullable Instant deviceLastSuccess) {
            this.cause = cause;
            this.at = at;
            this.credential = credential;
            this.deviceLastSuccess = deviceLastSuccess;
        }
    }

    /** When each device last signed in with each credential, to judge whether evidence exists. */
    private final Map<String, Map<String, Instant>> successesByCredential = new HashMap<>();

    SimWorld(String name, Scenario scenario,
            BiFunction<CredentialRepository, LoginAttemptRepository, LoginAdvisor> advisor) {
        this.name = name;
        this.scenario = scenario;
        this.ids = new Random(scenario.seed() ^ 0x5EEDL);
        this.flow = LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(new InMemoryFlowStateRepository(clock))
                .advisor(advisor.apply(credentials, attempts))
                .clock(clock)
                .listener(this::onEvent)
                .build();
    }

    private static final boolean DEBUG = Boolean.getBoolean("sim.debug");
    private final Map<String, String> trace = new HashMap<>();

    private void onEvent(LoginFlowEvent event) {
        if (DEBUG) {
            String line = event.getClass().getSimpleName();
            if (event instanceof LoginFlowEvent.FlowStarted started) {
                line += started.decision().tags();
            } else if (event instanceof LoginFlowEvent.PasskeyAttemptFailed failed) {
                line += "(" + failed.failure().elapsedMillis() + "ms " + failed.diagnosis().cause() + "/"
                        + failed.diagnosis().confidence() + " " + failed.action() + ")";
            } else if (event instanceof LoginFlowEvent.Completed done) {
                line += "(" + done.method() + " " + done.healing() + ")";
            }
            trace.merge(event.flowId(), line, (a, b) -> a + " > " + b);
        }
        if (event instanceof LoginFlowEvent.PasskeyAttemptFailed failed) {
            diagnoses.put(failed.flowId(), failed.diagnosis());
        } else if (event instanceof LoginFlowEvent.HealingOffered offered
                && offered.diagnosis().cause() != FailureCause.UNKNOWN) {
            diagnoses.put(offered.flowId(), offered.diagnosis());
        }
    }

    SimResult run() {
        long started = System.nanoTime();
        for (UserScript user : scenario.users()) {
            runUser(user);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new SimResult(name, logins, completed, failedPrompts, brokenEpisodes, brokenHealed, falseOffers, offers,
                heals, diagnosed, diagnosedCorrectly, diagnosedAll, diagnosedAllCorrectly, passkeyLogins,
                fallbackLogins, newDeviceEpisodes, newDeviceHealed, millis);
    }

    // ------------------------------------------------------------------ a user

    private void runUser(UserScript user) {
        Bytes handle = Bytes.of(("h-" + user.index()).getBytes(StandardCharsets.UTF_8));
        credentials.saveUser(new UserAccount(handle, user.identifier(), "User " + user.index()));
        for (DeviceSpec spec : user.devices()) {
            addDevice(spec);
        }
        clock.set(Scenario.START);
        Device first = devices.get(user.devices().get(0).id());
        SoftwareAuthenticator enrolOn = user.enrolInPm() ? first.pm : first.platform;
        enrol(user, first, Objects.requireNonNull(enrolOn));
        for (DeviceSpec spec : user.devices()) {
            Device d = devices.get(spec.id());
            d.newDeviceEpisodeOpen = !holdsUsable(d, handle);
        }
        for (Scenario.Event event : user.events()) {
            clock.set(event.at());
            if (event instanceof Scenario.Login login) {
                login(user, handle, devices.get(login.deviceId()), login.behaviour());
            } else if (event instanceof Scenario.Delete delete) {
                breakDevice(handle, Break.DELETED, () -> deletePasskey(handle, devices.get(delete.deviceId())));
            } else if (event instanceof Scenario.CloudSwitch cloud) {
                breakDevice(handle, Break.CLOUD_SWITCH, () -> {
                    Device d = devices.get(cloud.deviceId());
                    SoftwareAuthenticator a = Objects.requireNonNull(d.platform);
                    leaveGroup(a);
                    join(a, "other-account:" + d.spec.id());
                    a.loseAll();
                });
            } else if (event instanceof Scenario.PmSignOut out) {
                breakDevice(handle, Break.PM_SIGNED_OUT, () -> devices.get(out.deviceId()).pmSignedIn = false);
            } else if (event instanceof Scenario.AddDevice add) {
                Device d = addDevice(add.device());
                d.newDeviceEpisodeOpen = !holdsUsable(d, handle);
            }
        }
    }

    /** Deletes the user's passkeys from the provider that holds them on the device; a synced deletion reaches every copy. */
    private void deletePasskey(Bytes handle, Device d) {
        for (SoftwareAuthenticator a : d.active()) {
            List<String> held = heldOf(a, handle);
            if (!held.isEmpty()) {
                for (SoftwareAuthenticator member : syncGroup(a)) {
                    held.forEach(member::lose);
                }
                return;
            }
        }
    }

    private Device addDevice(DeviceSpec spec) {
        SoftwareAuthenticator platform = null;
        if (spec.platformAaguid() != null) {
            SoftwareAuthenticator.Builder b = SoftwareAuthenticator.builder().origin(ORIGIN)
                    .aaguid(Objects.requireNonNull(spec.platformAaguid()))
                    .credentialIdGenerator(this::newCredentialId);
            if (spec.platformSynced()) {
                b.syncedPasskey();
            }
            platform = b.build();
        }
        SoftwareAuthenticator pm = null;
        if (spec.pmGroup() != null) {
            pm = SoftwareAuthenticator.builder().origin(ORIGIN).aaguid(Objects.requireNonNull(spec.pmAaguid()))
                    .syncedPasskey().credentialIdGenerator(this::newCredentialId).build();
        }
        Device device = new Device(spec, platform, pm);
        devices.put(spec.id(), device);
        if (platform != null && spec.platformGroup() != null) {
            join(platform, Objects.requireNonNull(spec.platformGroup()));
        }
        if (pm != null) {
            join(pm, Objects.requireNonNull(spec.pmGroup()));
        }
        return device;
    }

    private byte[] newCredentialId() {
        byte[] id = new byte[16];
        ids.nextBytes(id);
        return id;
    }

    /** Joins a sync group: the authenticator receives every credential the group holds. */
    private void join(SoftwareAuthenticator a, String group) {
        List<SoftwareAuthenticator> members = groups.computeIfAbsent(group, g -> new ArrayList<>());
        if (!members.isEmpty()) {
            members.get(0).copyAllTo(a);
        }
        members.add(a);
        groupOf.put(a, group);
    }

    private void leaveGroup(SoftwareAuthenticator a) {
        String group = groupOf.remove(a);
        if (group != null) {
            groups.get(group).remove(a);
        }
    }

    private List<SoftwareAuthenticator> syncGroup(SoftwareAuthenticator a) {
        String group = groupOf.get(a);
        return group == null ? List.of(a) : List.copyOf(groups.get(group));
    }

    private void syncNewCredential(SoftwareAuthenticator origin, String credentialId) {
        for (SoftwareAuthenticator member : syncGroup(origin)) {
            if (member != origin) {
                origin.copyTo(member, credentialId);
            }
        }
    }

    private static List<String> heldOf(SoftwareAuthenticator a, Bytes handle) {
        String h = handle.toBase64Url();
        List<String> ids = new ArrayList<>();
        for (AuthenticatorCredential c : a.credentials()) {
            if (c.userHandle().equals(h)) {
                ids.add(c.credentialId());
            }
        }
        return ids;
    }

    /** Ground truth: whether the device holds a passkey of the user that the server accepts. */
    private boolean holdsUsable(Device d, Bytes handle) {
        Set<String> usable = new HashSet<>();
        for (StoredCredential c : credentials.listCredentials(handle)) {
            if (c.status().acceptsLogin()) {
                usable.add(c.credentialId().toBase64Url());
            }
        }
        for (SoftwareAuthenticator a : d.active()) {
            for (String id : heldOf(a, handle)) {
                if (usable.contains(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void breakDevice(Bytes handle, Break cause, Runnable change) {
        Map<Device, Boolean> before = new HashMap<>();
        for (Device d : userDevices(handle)) {
            before.put(d, holdsUsable(d, handle));
        }
        change.run();
        for (Map.Entry<Device, Boolean> e : before.entrySet()) {
            Device d = e.getKey();
            if (e.getValue() && !holdsUsable(d, handle)) {
                String credential = null;
                Instant last = null;
                for (Map.Entry<String, Instant> used : d.lastSuccessWith.entrySet()) {
                    if (last == null || used.getValue().isAfter(last)) {
                        last = used.getValue();
                        credential = used.getKey();
                    }
                }
                d.episode = new Episode(cause, clock.instant(), credential, last);
            }
        }
    }

    private List<Device> userDevices(Bytes handle) {
        String prefix = "u" + new String(handle.toByteArray(), StandardCharsets.UTF_8).substring(2) + "-";
        return devices.values().stream().filter(d -> d.spec.id().startsWith(prefix)).toList();
    }

    private void enrol(UserScript user, Device device, SoftwareAuthenticator authenticator) {
        LoginStep step = flow.enrol(user.identifier(), device.client);
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) step;
        String json = authenticator.register(offer.credentialsCreateJson());
        flow.finishHealing(offer.flowId(), json);
        String id = credentialIdOf(json);
        syncNewCredential(authenticator, id);
        recordSuccess(device, id);
    }

    // ------------------------------------------------------------------ a login

    private void login(UserScript user, Bytes handle, Device device, long behaviourSeed) {
        Random behaviour = new Random(behaviourSeed);
        double clickIfPresent = behaviour.nextDouble();
        double clickIfAbsent = behaviour.nextDouble();
        double cancelCreation = behaviour.nextDouble();
        double[] cancel = new double[8];
        double[] timeout = new double[8];
        double[] fastDraw = new double[8];
        double[] elapsedDraw = new double[8];
        for (int i = 0; i < 8; i++) {
            cancel[i] = behaviour.nextDouble();
            timeout[i] = behaviour.nextDouble();
            fastDraw[i] = behaviour.nextDouble();
            elapsedDraw[i] = behaviour.nextDouble();
        }
        logins++;
        boolean presentAtStart = holdsUsable(device, handle);
        Episode episode = device.episode;
        if (episode != null && presentAtStart) {
            device.episode = null; // restored by sync before a login here: nothing to heal
            episode = null;
        }
        boolean newDevice = device.newDeviceEpisodeOpen;
        if (newDevice && presentAtStart) {
            device.newDeviceEpisodeOpen = false;
            newDevice = false;
        }

        LoginStep step = flow.start(user.identifier(), device.client);
        String flowId = step.flowId();
        int prompt = 0;
        boolean fellBack = false;
        boolean offered = false;
        while (true) {
            clock.advance(Duration.ofSeconds(2));
            if (step instanceof LoginStep.PasskeyChallenge challenge) {
                boolean present = holdsUsable(device, handle);
                if (challenge.attempt() == 1 && !challenge.autoStart() && prompt == 0) {
                    boolean click = present ? clickIfPresent < CLICK_IF_PRESENT : clickIfAbsent < CLICK_IF_ABSENT;
                    if (!click) {
                        step = flow.chooseFallback(flowId);
                        continue;
                    }
                }
                int i = Math.min(prompt++, 7);
                if (present) {
                    double cancelRate = i == 0 ? CANCEL_FIRST : CANCEL_RETRY;
                    if (cancel[i] < cancelRate) {
                        failedPrompts++;
                        step = flow.reportClientError(flowId, "NotAllowedError", null,
                                1_200 + (long) (elapsedDraw[i] * 10_800));
                    } else if (timeout[i] < TIMEOUT) {
                        failedPrompts++;
                        step = flow.reportClientError(flowId, "NotAllowedError", null,
                                120_000 + (long) (elapsedDraw[i] * 5_000));
                    } else {
                        String json = authenticate(device, challenge.credentialsGetJson());
                        step = flow.finishPasskey(flowId, json);
                        if (step instanceof LoginStep.Completed) {
                            recordSuccess(device, credentialIdOf(json));
                        } else {
                            failedPrompts++;
                        }
                    }
                } else {
                    failedPrompts++;
                    long elapsed = fastDraw[i] < ABSENT_FAST ? 5 + (long) (elapsedDraw[i] * 595)
                            : 2_000 + (long) (elapsedDraw[i] * 4_000);
                    step = flow.reportClientError(flowId, "NotAllowedError", null, elapsed);
                }
            } else if (step instanceof LoginStep.FallbackRequired) {
                fellBack = true;
                step = flow.fallbackSucceeded(flowId);
            } else if (step instanceof LoginStep.HealingOffer offer) {
                offers++;
                offered = true;
                if (holdsUsable(device, handle)) {
                    falseOffers++;
                    if (DEBUG) {
                        System.err.println(name + " false offer " + offer.kind() + " " + device.spec.id() + ": "
                                + trace.get(flowId));
                    }
                }
                step = answerOffer(user, device, offer, cancelCreation);
            } else if (step instanceof LoginStep.Completed done) {
                completed++;
                if (done.method() == dev.passkeyflow.core.AuthenticationMethod.PASSKEY) {
                    passkeyLogins++;
                } else {
                    fallbackLogins++;
                }
                if (done.healing() == HealingResult.HEALED) {
                    heals++;
                }
                score(user, device, episode, newDevice, fellBack, offered, done, flowId);
                diagnoses.remove(flowId);
                trace.remove(flowId);
                return;
            } else {
                throw new IllegalStateException("unexpected step " + step);
            }
        }
    }

    private LoginStep answerOffer(UserScript user, Device device, LoginStep.HealingOffer offer, double cancelDraw) {
        if (!user.willing()) {
            // Unwilling users say no: mostly with the page's "not now", sometimes by cancelling the OS dialog.
            return cancelDraw < UNWILLING_CANCELS_DIALOG
                    ? flow.reportHealingError(offer.flowId(), "NotAllowedError", null, 4_000)
                    : flow.declineHealing(offer.flowId());
        }
        SoftwareAuthenticator platform = device.platform;
        if (platform == null) {
            return flow.reportHealingError(offer.flowId(), "NotAllowedError", null, 4_000);
        }
        String json;
        try {
            json = platform.register(offer.credentialsCreateJson());
        } catch (AuthenticatorException e) {
            return flow.reportHealingError(offer.flowId(), e.domExceptionName(), null, 300);
        }
        LoginStep step = flow.finishHealing(offer.flowId(), json);
        if (step instanceof LoginStep.Completed done && done.healing() == HealingResult.HEALED) {
            String id = credentialIdOf(json);
            syncNewCredential(platform, id);
            recordSuccess(device, id);
        }
        return step;
    }

    private void score(UserScript user, Device device, @Nullable Episode episode, boolean newDevice,
            boolean fellBack, boolean offered, LoginStep.Completed done, String flowId) {
        if (episode != null) {
            device.episode = null; // only the first login on the device after the break is scored
            FailureDiagnosis diagnosis = diagnoses.get(flowId);
            FailureCause expected = switch (episode.cause) {
                case DELETED -> FailureCause.PASSKEY_DELETED_LOCALLY;
                case CLOUD_SWITCH -> FailureCause.DIFFERENT_CLOUD_ACCOUNT;
                case PM_SIGNED_OUT -> FailureCause.PASSWORD_MANAGER_UNAVAILABLE;
            };
            boolean correct = diagnosis != null && diagnosis.cause() == expected;
            diagnosedAll++;
            if (correct) {
                diagnosedAllCorrectly++;
            }
            if (evidenceExists(device, episode)) {
                diagnosed++;
                if (correct) {
                    diagnosedCorrectly++;
                }
            }
            if (fellBack && device.spec.canCreate() && user.willing()) {
                brokenEpisodes++;
                if (done.healing() == HealingResult.HEALED || done.healing() == HealingResult.ALREADY_EXISTED) {
                    brokenHealed++;
                } else if (DEBUG) {
                    System.err.println(name + " unhealed " + episode.cause + " " + device.spec.id() + ": "
                            + trace.get(flowId));
                }
            }
            if (DEBUG && !correct && evidenceExists(device, episode)) {
                System.err.println(name + " misdiagnosed " + episode.cause + " " + device.spec.id() + ": "
                        + trace.get(flowId));
            }
        }
        if (newDevice && fellBack) {
            device.newDeviceEpisodeOpen = false;
            if (device.spec.canCreate() && user.willing()) {
                newDeviceEpisodes++;
                if (offered && done.healing() == HealingResult.HEALED) {
                    newDeviceHealed++;
                }
            }
        }
    }

    /**
     * Whether the history allows the cause to be told: the device signed in with the credential
     * before the break, and either no other device used it since (deleted) or another did (the
     * cloud account or the password manager is what changed here).
     */
    private boolean evidenceExists(Device device, Episode episode) {
        if (episode.credential == null || episode.deviceLastSuccess == null) {
            return false;
        }
        Map<String, Instant> byDevice = successesByCredential.getOrDefault(episode.credential, Map.of());
        boolean otherSince = byDevice.entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(device.spec.id()) && e.getValue().isAfter(episode.deviceLastSuccess));
        return episode.cause == Break.DELETED ? !otherSince : otherSince;
    }

    private void recordSuccess(Device device, String credentialId) {
        device.lastSuccessWith.put(credentialId, clock.instant());
        successesByCredential.computeIfAbsent(credentialId, k -> new HashMap<>()).put(device.spec.id(),
                clock.instant());
        device.newDeviceEpisodeOpen = false;
    }

    private String authenticate(Device device, String requestJson) {
        AuthenticatorException last = null;
        for (SoftwareAuthenticator a : device.active()) {
            try {
                return a.authenticate(requestJson);
            } catch (AuthenticatorException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no authenticator answered although the device holds a passkey", last);
    }

    private static String credentialIdOf(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in response");
        }
        return m.group(1);
    }
}
