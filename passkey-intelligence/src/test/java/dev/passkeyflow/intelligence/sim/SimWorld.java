package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientHints;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowEvent;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.advisor.FailureContext;
import dev.passkeyflow.core.advisor.FailureDecision;
import dev.passkeyflow.core.advisor.HealingContext;
import dev.passkeyflow.core.advisor.HealingDecision;
import dev.passkeyflow.core.advisor.LoginAdvisor;
import dev.passkeyflow.core.advisor.PasskeySuccessContext;
import dev.passkeyflow.core.advisor.StartContext;
import dev.passkeyflow.core.advisor.StartDecision;
import dev.passkeyflow.intelligence.sim.Scenario.Break;
import dev.passkeyflow.intelligence.sim.Scenario.DeviceSpec;
import dev.passkeyflow.intelligence.sim.Scenario.Kind;
import dev.passkeyflow.intelligence.sim.Scenario.UserScript;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
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
import java.util.EnumMap;
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
 * Replays a {@link Scenario} through a real {@link LoginFlow} with one advisor and one
 * {@link SimConfig}: its own clock, in-memory repositories and software authenticators, and the
 * simulated people and browsers.
 *
 * <p>Browser model. A prompt on a device whose own authenticators hold no usable passkey of the user
 * is rejected at once (5 to 600 ms, no UI) with the browser's {@linkplain SimConfig#fastShare fast
 * share}; otherwise the browser shows its sheet, where a user whose phone holds the passkey scans the
 * QR code (hybrid, {@code authenticatorAttachment: cross-platform}) and anyone else dismisses it after
 * 2 to 10 s. A working passkey's prompt is cancelled by 8% of people at the first prompt and 25% at a
 * retry, a quarter of those cancels in under a second. Immediate UI mode (Chrome, a share of clients)
 * rejects in under 80 ms without UI when no passkey is on the device, else shows the account chooser.
 */
final class SimWorld {

    static final String ORIGIN = "https://example.com";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");

    static final double CANCEL_FIRST = 0.08;
    static final double CANCEL_RETRY = 0.25;
    /** Share of cancels of a working passkey that take under a second. */
    static final double CANCEL_FAST = 0.25;

    static final double TIMEOUT = 0.005;
    static final double CLICK_IF_PRESENT = 0.95;
    static final double CLICK_IF_ABSENT = 0.15;
    /** A user whose phone holds the passkey scans the QR code of the browser's sheet this often. */
    static final double SCAN_QR = 0.85;

    static final double PASSWORD_TYPO = 0.08;
    /** Share of unwilling users who cancel the OS dialog instead of declining on the page. */
    static final double UNWILLING_CANCELS_DIALOG = 0.3;

    static final int NAG_LIMIT = 3;
    static final Duration NAG_PAUSE = Duration.ofDays(30);

    private final String name;
    private final Scenario scenario;
    private final SimConfig config;
    private final MutableClock clock = new MutableClock(Scenario.START);
    private final InMemoryCredentialRepository credentials = new InMemoryCredentialRepository();
    private final InMemoryLoginAttemptRepository attempts = new InMemoryLoginAttemptRepository(clock);
    private final LoginFlow flow;
    private final Random ids;

    /** Per flow: the last diagnosis the flow published. */
    private final Map<String, FailureDiagnosis> diagnoses = new HashMap<>();
    /** Per flow: the start decision, for the breakdown of working passkeys sent to the password. */
    private final Map<String, StartDecision> starts = new HashMap<>();
    /** The advisor's newest healing decision (the world runs one flow at a time), for the missed-healing breakdown. */
    private @Nullable HealingDecision lastHealing;

    private final Map<String, Device> devices = new HashMap<>();
    private final Map<String, List<SoftwareAuthenticator>> groups = new HashMap<>();
    private final Map<SoftwareAuthenticator, String> groupOf = new HashMap<>();
    private final Map<Kind, Tally> tallies = new EnumMap<>(Kind.class);

    /** A device at run time. */
    private static final class Device {
        final DeviceSpec spec;
        final @Nullable SoftwareAuthenticator platform;
        final @Nullable SoftwareAuthenticator pm;
        boolean pmSignedIn;
        int sessions;
        /** Per user handle: the broken passkey waiting for its first fallback here. */
        final Map<Bytes, Episode> episodes = new HashMap<>();

        Device(DeviceSpec spec, @Nullable SoftwareAuthenticator platform, @Nullable SoftwareAuthenticator pm) {
            this.spec = spec;
            this.platform = platform;
            this.pm = pm;
            this.pmSignedIn = pm != null;
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

        ClientContext client(String deviceId, boolean immediate) {
            Map<String, Boolean> capabilities = new LinkedHashMap<>();
            capabilities.put(ClientContext.CAPABILITY_PASSKEY_PLATFORM_AUTHENTICATOR, spec.canCreate());
            capabilities.put(ClientContext.CAPABILITY_USER_VERIFYING_PLATFORM_AUTHENTICATOR, spec.canCreate());
            capabilities.put(ClientContext.CAPABILITY_HYBRID_TRANSPORT, true);
            capabilities.put(ClientContext.CAPABILITY_CONDITIONAL_GET, true);
            if (immediate) {
                capabilities.put(ClientContext.CAPABILITY_IMMEDIATE_GET, true);
            }
            return ClientContext.builder()
                    .deviceId(deviceId)
                    .userAgent(spec.userAgent())
                    .hints(
                            spec.uaPlatformHint() == null
                                    ? ClientHints.none()
                                    : new ClientHints(spec.uaPlatformHint(), null, null))
                    .capabilities(capabilities)
                    .userVerifyingPlatformAuthenticator(spec.canCreate())
                    .conditionalMediation(true)
                    .build();
        }
    }

    /** A device that lost the user's usable passkey, until the first login there. */
    private record Episode(Break cause, Instant at) {}

    /** Per account: the run of declined or cancelled offers (the nagging measure). */
    private static final class OfferRun {
        int unanswered;

        @Nullable
        Instant last;

        boolean nagged;
    }

    SimWorld(
            String name,
            Scenario scenario,
            SimConfig config,
            BiFunction<CredentialRepository, LoginAttemptRepository, LoginAdvisor> advisor) {
        this.name = name;
        this.scenario = scenario;
        this.config = config;
        this.ids = new Random(scenario.seed() ^ 0x5EEDL);
        this.flow = LoginFlow.builder()
                .rpId("example.com")
                .rpName("Example")
                .origin(ORIGIN)
                .credentialRepository(credentials)
                .loginAttemptRepository(attempts)
                .flowStateRepository(new InMemoryFlowStateRepository(clock))
                .advisor(recordingHealing(advisor.apply(credentials, attempts)))
                .clock(clock)
                .listener(this::onEvent)
                .build();
        for (Kind k : Kind.values()) {
            tallies.put(k, new Tally());
        }
    }

    private LoginAdvisor recordingHealing(LoginAdvisor advisor) {
        return new LoginAdvisor() {
            @Override
            public StartDecision onStart(StartContext context) {
                return advisor.onStart(context);
            }

            @Override
            public FailureDecision onPasskeyFailure(FailureContext context) {
                return advisor.onPasskeyFailure(context);
            }

            @Override
            public HealingDecision onAuthenticatedWithoutPasskey(HealingContext context) {
                lastHealing = advisor.onAuthenticatedWithoutPasskey(context);
                return lastHealing;
            }

            @Override
            public HealingDecision onCrossDeviceSuccess(PasskeySuccessContext context) {
                lastHealing = advisor.onCrossDeviceSuccess(context);
                return lastHealing;
            }
        };
    }

    private void onEvent(LoginFlowEvent event) {
        if (event instanceof LoginFlowEvent.FlowStarted started) {
            starts.put(started.flowId(), started.decision());
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
        Tally total = new Tally();
        tallies.values().forEach(total::plus);
        return new SimResult(name, config, Map.copyOf(tallies), total, (System.nanoTime() - started) / 1_000_000);
    }

    // ------------------------------------------------------------------ a user

    private void runUser(UserScript user) {
        Tally tally = tallies.get(user.kind());
        tally.users++;
        Bytes handle = Bytes.of(("h-" + user.index()).getBytes(StandardCharsets.UTF_8));
        credentials.saveUser(new UserAccount(handle, user.identifier(), "User " + user.index()));
        for (DeviceSpec spec : user.devices()) {
            addDevice(spec);
        }
        for (DeviceSpec spec : user.attackerDevices()) {
            addDevice(spec);
        }
        clock.set(Scenario.START);
        Device first = devices.get(user.devices().get(0).id());
        switch (user.enrol()) {
            case PLATFORM -> enrol(user, first, Objects.requireNonNull(first.platform));
            case PASSWORD_MANAGER -> enrol(user, first, Objects.requireNonNull(first.pm));
            case NONE -> {}
        }
        OfferRun run = new OfferRun();
        for (Scenario.Event event : user.events()) {
            clock.set(event.at());
            if (event instanceof Scenario.Login login) {
                login(user, handle, devices.get(login.deviceId()), login, tally, run);
            } else if (event instanceof Scenario.Delete delete) {
                breakDevices(user, handle, Break.DELETED, () -> deletePasskey(handle, devices.get(delete.deviceId())));
            } else if (event instanceof Scenario.CloudSwitch cloud) {
                breakDevices(user, handle, Break.CLOUD_SWITCH, () -> {
                    Device d = devices.get(cloud.deviceId());
                    SoftwareAuthenticator a = Objects.requireNonNull(d.platform);
                    leaveGroup(a);
                    join(a, "other-account:" + d.spec.id());
                    a.loseAll();
                });
            } else if (event instanceof Scenario.PmSignOut out) {
                breakDevices(user, handle, Break.PM_SIGNED_OUT, () -> devices.get(out.deviceId()).pmSignedIn = false);
            } else if (event instanceof Scenario.Revoke) {
                breakDevices(user, handle, Break.REVOKED, () -> {
                    for (StoredCredential c : credentials.listCredentials(handle)) {
                        credentials.setStatus(c.credentialId(), CredentialStatus.RETIRED);
                    }
                });
            } else if (event instanceof Scenario.AddDevice add) {
                addDevice(add.device());
            }
        }
        if (run.nagged) {
            tally.naggedAccounts++;
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
        Device existing = devices.get(spec.id());
        if (existing != null) {
            return existing; // a family device shared by two accounts
        }
        SoftwareAuthenticator platform = null;
        if (spec.platformAaguid() != null) {
            SoftwareAuthenticator.Builder b = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .aaguid(Objects.requireNonNull(spec.platformAaguid()))
                    .credentialIdGenerator(this::newCredentialId);
            if (spec.platformSynced()) {
                b.syncedPasskey();
            }
            platform = b.build();
        }
        SoftwareAuthenticator pm = null;
        if (spec.pmGroup() != null) {
            pm = SoftwareAuthenticator.builder()
                    .origin(ORIGIN)
                    .aaguid(Objects.requireNonNull(spec.pmAaguid()))
                    .syncedPasskey()
                    .credentialIdGenerator(this::newCredentialId)
                    .build();
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
        List<String> held = new ArrayList<>();
        for (AuthenticatorCredential c : a.credentials()) {
            if (c.userHandle().equals(h)) {
                held.add(c.credentialId());
            }
        }
        return held;
    }

    /** Ground truth: whether the device's own authenticators hold a passkey of the user that the server accepts. */
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

    private void breakDevices(UserScript user, Bytes handle, Break cause, Runnable change) {
        Map<Device, Boolean> before = new LinkedHashMap<>();
        for (DeviceSpec spec : user.devices()) {
            before.put(devices.get(spec.id()), holdsUsable(devices.get(spec.id()), handle));
        }
        for (Scenario.Event e : user.events()) {
            if (e instanceof Scenario.AddDevice add && !e.at().isAfter(clock.instant())) {
                Device d = devices.get(add.device().id());
                before.put(d, holdsUsable(d, handle));
            }
        }
        change.run();
        for (Map.Entry<Device, Boolean> e : before.entrySet()) {
            if (e.getValue() && !holdsUsable(e.getKey(), handle)) {
                e.getKey().episodes.put(handle, new Episode(cause, clock.instant()));
            }
        }
    }

    private void enrol(UserScript user, Device device, SoftwareAuthenticator authenticator) {
        LoginStep step = flow.enrol(user.identifier(), device.client(device.spec.id(), false));
        LoginStep.HealingOffer offer = (LoginStep.HealingOffer) step;
        String json = authenticator.register(offer.credentialsCreateJson());
        flow.finishHealing(offer.flowId(), json);
        syncNewCredential(authenticator, credentialIdOf(json));
    }

    // ------------------------------------------------------------------ a login

    /** The person's draws for one login, taken in a fixed order so every advisor sees the same ones. */
    // Arrays indexed by attempt number; a Draws is never compared or hashed.
    @SuppressWarnings("ArrayRecordComponent")
    private record Draws(
            double click,
            double scan,
            double typo,
            double offerAnswer,
            double[] cancel,
            double[] cancelFast,
            double[] timeout,
            double[] fast,
            double[] elapsed) {

        static Draws of(long seed) {
            Random r = new Random(seed);
            double click = r.nextDouble();
            double scan = r.nextDouble();
            double typo = r.nextDouble();
            double offerAnswer = r.nextDouble();
            double[][] a = new double[5][8];
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 5; k++) {
                    a[k][i] = r.nextDouble();
                }
            }
            return new Draws(click, scan, typo, offerAnswer, a[0], a[1], a[2], a[3], a[4]);
        }
    }

    private void login(UserScript user, Bytes handle, Device device, Scenario.Login login, Tally tally, OfferRun run) {
        Draws draws = Draws.of(login.behaviour());
        boolean attacker = login.attacker();
        String deviceId = device.spec.volatileId() || login.privateWindow()
                ? device.spec.id() + "#" + ++device.sessions
                : device.spec.id();
        boolean immediateCapable = device.spec.browser() == Scenario.Browser.CHROME
                && !login.privateWindow()
                && device.spec.immediateDraw() < config.immediateShare();
        Device phone = user.phone() == null || attacker ? null : devices.get(user.phone());
        boolean scans = phone != null && phone != device && draws.scan() < SCAN_QR;

        if (attacker) {
            tally.attackerLogins++;
        } else {
            tally.logins++;
        }
        boolean local = !attacker && holdsUsable(device, handle);
        boolean viaPhone = scans && holdsUsable(Objects.requireNonNull(phone), handle);
        boolean reachableAtStart = local || viaPhone;
        Episode episode = attacker ? null : device.episodes.remove(handle);
        if (episode != null && local) {
            episode = null; // restored by sync before a login here: nothing to heal
        }

        lastHealing = null;
        LoginStep step = flow.start(user.identifier(), device.client(deviceId, immediateCapable));
        String flowId = step.flowId();
        int prompt = 0;
        boolean buttonIgnored = false;
        boolean fellBack = false;
        boolean offered = false;
        while (true) {
            clock.advance(Duration.ofSeconds(2));
            if (step instanceof LoginStep.PasskeyChallenge challenge) {
                boolean here = !attacker && holdsUsable(device, handle);
                boolean qr = scans && holdsUsable(Objects.requireNonNull(phone), handle);
                int i = Math.min(prompt, 7);
                if (challenge.immediate()) {
                    if (!here) {
                        // No UI: not a prompt the person saw.
                        step = flow.reportImmediateRejection(flowId, 5 + (long) (draws.elapsed()[i] * 75));
                        continue;
                    }
                    prompt++;
                    if (!attacker) {
                        tally.prompts++;
                    }
                    if (draws.cancel()[i] < CANCEL_FIRST) {
                        step = flow.reportImmediateRejection(flowId, 1_500 + (long) (draws.elapsed()[i] * 6_000));
                    } else {
                        step = sign(device.active(), challenge, "platform", handle);
                    }
                    continue;
                }
                if (challenge.attempt() == 1 && !challenge.autoStart() && prompt == 0) {
                    boolean click = !attacker
                            && ((here || qr) ? draws.click() < CLICK_IF_PRESENT : draws.click() < CLICK_IF_ABSENT);
                    if (!click) {
                        buttonIgnored = true;
                        step = flow.chooseFallback(flowId);
                        continue;
                    }
                }
                prompt++;
                if (!attacker) {
                    tally.prompts++;
                    if (!here && !qr) {
                        tally.impossiblePrompts++;
                    }
                }
                if (here) {
                    double cancelRate = i == 0 ? CANCEL_FIRST : CANCEL_RETRY;
                    if (draws.cancel()[i] < cancelRate) {
                        long elapsed = draws.cancelFast()[i] < CANCEL_FAST
                                ? 250 + (long) (draws.elapsed()[i] * 650)
                                : 1_200 + (long) (draws.elapsed()[i] * 10_800);
                        step = flow.reportClientError(flowId, "NotAllowedError", null, elapsed);
                    } else if (draws.timeout()[i] < TIMEOUT) {
                        step = flow.reportClientError(
                                flowId, "NotAllowedError", null, 120_000 + (long) (draws.elapsed()[i] * 5_000));
                    } else {
                        step = sign(device.active(), challenge, "platform", handle);
                    }
                } else if (draws.fast()[i] < config.fastShare(device.spec.browser())) {
                    step = flow.reportClientError(
                            flowId, "NotAllowedError", null, 5 + (long) (draws.elapsed()[i] * 595));
                } else if (qr) {
                    step = sign(Objects.requireNonNull(phone).active(), challenge, "cross-platform", handle);
                    if (step instanceof LoginStep.Completed || step instanceof LoginStep.HealingOffer) {
                        tally.hybridLogins++;
                    }
                } else {
                    step = flow.reportClientError(
                            flowId, "NotAllowedError", null, 2_000 + (long) (draws.elapsed()[i] * 8_000));
                }
            } else if (step instanceof LoginStep.FallbackRequired) {
                fellBack = true;
                if (draws.typo() < PASSWORD_TYPO) {
                    flow.fallbackFailed(flowId);
                    clock.advance(Duration.ofSeconds(5));
                }
                step = flow.fallbackSucceeded(flowId);
            } else if (step instanceof LoginStep.HealingOffer offer) {
                offered = true;
                if (attacker) {
                    tally.attackerOffers++;
                    step = create(device, offer);
                    if (step instanceof LoginStep.Completed done && done.healing() == HealingResult.HEALED) {
                        tally.attackerPasskeys++;
                    }
                    continue;
                }
                tally.offers++;
                if (holdsUsable(device, handle)) {
                    tally.falseOffers++;
                }
                step = answerOffer(user, device, offer, draws.offerAnswer(), tally, run);
            } else if (step instanceof LoginStep.Completed done) {
                if (!attacker) {
                    score(tally, device, episode, reachableAtStart, fellBack, offered, done, flowId);
                    if (episode != null && fellBack && device.spec.canCreate() && !offered) {
                        HealingDecision h = lastHealing;
                        tally.brokenNotOfferedWhy(
                                user.kind(),
                                episode.cause() + " "
                                        + (h == null
                                                ? "no healing decision"
                                                : h.diagnosis().cause() + " " + h.tagTexts()));
                    }
                    if (reachableAtStart && done.method() != AuthenticationMethod.PASSKEY) {
                        tally.workingToPasswordWhy(user.kind(), why(flowId, buttonIgnored, prompt, local));
                    }
                }
                diagnoses.remove(flowId);
                starts.remove(flowId);
                return;
            } else {
                throw new IllegalStateException("unexpected step " + step);
            }
        }
    }

    /** Why a login whose passkey was reachable ended with the password: how it started and what followed. */
    private String why(String flowId, boolean buttonIgnored, int prompts, boolean local) {
        StartDecision start = starts.get(flowId);
        String how = start == null
                ? "?"
                : start.action().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + start.tags().stream()
                                .map(t -> t.name().toLowerCase(java.util.Locale.ROOT))
                                .toList();
        String then = buttonIgnored
                ? "button not clicked"
                : prompts == 0
                        ? "no prompt"
                        : (local ? "local passkey: " : "phone only: ") + prompts + " prompt(s) failed";
        return how + " -> " + then;
    }

    private LoginStep sign(
            List<SoftwareAuthenticator> authenticators,
            LoginStep.PasskeyChallenge challenge,
            String attachment,
            Bytes handle) {
        for (SoftwareAuthenticator a : authenticators) {
            if (!heldOf(a, handle).isEmpty()) {
                try {
                    String json = a.authenticate(challenge.credentialsGetJson());
                    if (!"platform".equals(attachment)) {
                        json = json.replace(
                                "\"authenticatorAttachment\":\"platform\"",
                                "\"authenticatorAttachment\":\"" + attachment + "\"");
                    }
                    return flow.finishPasskey(challenge.flowId(), json);
                } catch (AuthenticatorException e) {
                    // this provider holds none of the allowed credentials: the browser tries the next
                }
            }
        }
        return flow.reportClientError(challenge.flowId(), "NotAllowedError", null, 3_000);
    }

    private LoginStep create(Device device, LoginStep.HealingOffer offer) {
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
            syncNewCredential(platform, credentialIdOf(json));
        }
        return step;
    }

    private LoginStep answerOffer(
            UserScript user, Device device, LoginStep.HealingOffer offer, double answer, Tally tally, OfferRun run) {
        LoginStep step;
        boolean unanswered;
        if (!user.willing()) {
            // Unwilling users say no: mostly with the page's "not now", sometimes by cancelling the OS dialog.
            step = answer < UNWILLING_CANCELS_DIALOG
                    ? flow.reportHealingError(offer.flowId(), "NotAllowedError", null, 4_000)
                    : flow.declineHealing(offer.flowId());
            unanswered = true;
        } else {
            step = create(device, offer);
            HealingResult result = step instanceof LoginStep.Completed done ? done.healing() : null;
            if (result == HealingResult.HEALED) {
                tally.created++;
                run.unanswered = 0;
                run.last = null;
                return step;
            }
            if (result == HealingResult.ALREADY_EXISTED) {
                tally.alreadyExisted++;
                return step;
            }
            unanswered = true; // the OS dialog failed (no platform authenticator)
        }
        if (unanswered) {
            Instant now = clock.instant();
            if (run.last != null && !now.isBefore(run.last.plus(NAG_PAUSE))) {
                run.unanswered = 0;
            }
            run.unanswered++;
            run.last = now;
            if (run.unanswered > NAG_LIMIT) {
                run.nagged = true;
            }
        }
        return step;
    }

    @SuppressWarnings("EnumOrdinal") // the ordinal indexes a fixed tally array sized by values().length
    private void score(
            Tally tally,
            Device device,
            @Nullable Episode episode,
            boolean reachableAtStart,
            boolean fellBack,
            boolean offered,
            LoginStep.Completed done,
            String flowId) {
        tally.completed++;
        if (done.method() == AuthenticationMethod.PASSKEY) {
            tally.passkeyLogins++;
        } else if (reachableAtStart) {
            tally.workingSentToPassword++;
        }
        if (episode == null) {
            return;
        }
        FailureDiagnosis diagnosis = diagnoses.get(flowId);
        FailureCause expected = switch (episode.cause()) {
            case DELETED -> FailureCause.PASSKEY_DELETED_LOCALLY;
            case CLOUD_SWITCH -> FailureCause.DIFFERENT_CLOUD_ACCOUNT;
            case PM_SIGNED_OUT -> FailureCause.PASSWORD_MANAGER_UNAVAILABLE;
            case REVOKED -> FailureCause.CREDENTIAL_UNKNOWN_TO_SERVER;
        };
        int[] d = tally.diagnosis[episode.cause().ordinal()];
        if (diagnosis == null || diagnosis.cause() == FailureCause.UNKNOWN) {
            d[Tally.UNKNOWN]++;
        } else if (diagnosis.cause() == expected) {
            d[Tally.CORRECT]++;
        } else {
            d[Tally.WRONG]++;
        }
        if (fellBack && device.spec.canCreate()) {
            tally.brokenEpisodes++;
            if (offered) {
                tally.brokenOffered++;
            }
            if (done.healing() == HealingResult.HEALED || done.healing() == HealingResult.ALREADY_EXISTED) {
                tally.brokenHealed++;
            }
        }
    }

    private static String credentialIdOf(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in response");
        }
        return m.group(1);
    }
}
