package dev.passkeyflow.intelligence.sim;

import dev.passkeyflow.core.ClientPlatform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The ground truth of one simulation: users, their devices and what happens to them, generated
 * from a seed before any advisor runs, so that every advisor (and every browser model of
 * {@link SimConfig}) replays exactly the same world. Browser behaviour that depends on the model
 * (fast failures, immediate UI mode) is decided at run time from draws stored here.
 */
record Scenario(long seed, List<UserScript> users) {

    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final int DAYS = 180;

    static final UUID APPLE_AAGUID = UUID.fromString("fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
    static final UUID GOOGLE_AAGUID = UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4");
    static final UUID WINDOWS_HELLO_AAGUID = UUID.fromString("08987058-cadc-4b81-b6e1-30de50dcbe96");
    static final UUID ONE_PASSWORD_AAGUID = UUID.fromString("bada5566-a7aa-401f-bd96-45619a55120d");
    static final UUID BITWARDEN_AAGUID = UUID.fromString("d548826e-79b4-db40-a3d8-11116f7e8349");
    static final UUID UNDISCLOSED = new UUID(0, 0);

    /** The scenario kind of a user: what happens to them, reported as one row each. */
    enum Kind {
        /** Nothing breaks: Apple, Google, Windows or password-manager users on their own devices. */
        STABLE,
        /** The passkey is deleted on one device (in a synced provider: everywhere). */
        DELETED,
        /** A device is switched to another iCloud / Google account while the passkey works elsewhere. */
        CLOUD_SWITCH,
        /** The password manager holding the passkey is signed out on one device. */
        PM_SIGNED_OUT,
        /** The relying party revokes the user's passkeys on the server; the devices still hold them. */
        REVOKED,
        /** An iPhone user who also signs in on a Windows PC by scanning a QR code with the phone. */
        HYBRID,
        /** Android user whose passkey reaches desktop Chrome through Google Password Manager. */
        GPM_DESKTOP,
        /** Firefox on Windows deleting cookies on exit: a new device id at every login. */
        COOKIE_CLEARING,
        /** An Apple user who signs in from a private browser window a third of the time. */
        PRIVATE_BROWSER,
        /** Two accounts on one shared (family) iPad signed into the first one's iCloud. */
        FAMILY,
        /** Never enrolled, always says "not now", logs in every one to four weeks. */
        RARE_DECLINER,
        /** A stable user whose password leaked: an attacker signs in from unknown computers too. */
        ATTACKER
    }

    /** The browser, whose fast-failure share is a parameter of {@link SimConfig}. */
    enum Browser {
        SAFARI,
        CHROME,
        FIREFOX
    }

    /** The ground-truth causes of a broken passkey. */
    enum Break {
        DELETED,
        CLOUD_SWITCH,
        PM_SIGNED_OUT,
        REVOKED
    }

    /**
     * A device.
     *
     * @param platformGroup the sync group of its platform authenticator (e.g. the user's iCloud
     *     account), or {@code null} for a device-bound one
     * @param platformAaguid the AAGUID its platform authenticator reports, or {@code null} if it has
     *     none (then it cannot create a passkey)
     * @param pmGroup the password manager (or Google Password Manager on desktop Chrome) account
     *     signed in on it, or {@code null}
     * @param volatileId whether the browser forgets its device id at every login (cookie clearing)
     * @param immediateDraw compared with {@link SimConfig#immediateShare()} for Chrome: whether this
     *     browser has immediate UI mode
     */
    record DeviceSpec(
            String id,
            ClientPlatform platform,
            Browser browser,
            String userAgent,
            @Nullable String uaPlatformHint,
            @Nullable String platformGroup,
            @Nullable UUID platformAaguid,
            boolean platformSynced,
            @Nullable String pmGroup,
            @Nullable UUID pmAaguid,
            boolean volatileId,
            double immediateDraw) {

        boolean canCreate() {
            return platformAaguid != null;
        }

        DeviceSpec withId(String newId) {
            return new DeviceSpec(
                    newId,
                    platform,
                    browser,
                    userAgent,
                    uaPlatformHint,
                    platformGroup,
                    platformAaguid,
                    platformSynced,
                    pmGroup,
                    pmAaguid,
                    volatileId,
                    immediateDraw);
        }

        DeviceSpec volatileIds() {
            return new DeviceSpec(
                    id,
                    platform,
                    browser,
                    userAgent,
                    uaPlatformHint,
                    platformGroup,
                    platformAaguid,
                    platformSynced,
                    pmGroup,
                    pmAaguid,
                    true,
                    immediateDraw);
        }
    }

    sealed interface Event {
        Instant at();
    }

    /**
     * A login on a device; {@code behaviour} seeds the person's choices in it.
     *
     * @param privateWindow a private window: the device id is fresh, the passkeys are the device's
     * @param attacker the login is an attacker's with the user's leaked password
     */
    record Login(Instant at, String deviceId, long behaviour, boolean privateWindow, boolean attacker)
            implements Event {}

    /** The user deletes the passkey on a device (a synced deletion reaches the whole sync group). */
    record Delete(Instant at, String deviceId) implements Event {}

    /** The device's platform account changes (another iCloud / Google account). */
    record CloudSwitch(Instant at, String deviceId) implements Event {}

    /** The password manager on the device is signed out. */
    record PmSignOut(Instant at, String deviceId) implements Event {}

    /** The relying party revokes every passkey of the user on the server. */
    record Revoke(Instant at) implements Event {}

    /** A new device; it joins the user's sync groups if its spec says so. */
    record AddDevice(Instant at, DeviceSpec device) implements Event {}

    /** Where the user's first passkey is created at the start: nowhere, the platform or the password manager. */
    enum Enrol {
        NONE,
        PLATFORM,
        PASSWORD_MANAGER
    }

    /**
     * One user.
     *
     * @param devices the user's devices at the start (a family device may be another user's too)
     * @param phone the device whose passkey the user can reach by QR code from another computer, or {@code null}
     * @param attackerDevices computers an attacker with the leaked password signs in from
     * @param willing whether the user accepts an offer to create a passkey
     */
    record UserScript(
            int index,
            String identifier,
            Kind kind,
            List<DeviceSpec> devices,
            @Nullable String phone,
            List<DeviceSpec> attackerDevices,
            Enrol enrol,
            boolean willing,
            List<Event> events) {}

    static final String UA_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Safari/605.1.15";
    static final String UA_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    static final String UA_IPAD = "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    static final String UA_ANDROID = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";
    static final String UA_CHROMEBOOK = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    static final String UA_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    static final String UA_WINDOWS_FIREFOX =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 " + "Firefox/140.0";
    static final String UA_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    static final String UA_LINUX_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

    static Scenario generate(long seed, int userCount) {
        Random random = new Random(seed);
        List<UserScript> users = new ArrayList<>();
        while (users.size() < userCount) {
            Random r = new Random(random.nextLong());
            Kind kind = kind(r.nextDouble());
            if (kind == Kind.FAMILY) {
                if (users.size() + 2 > userCount) {
                    kind = Kind.STABLE;
                } else {
                    users.addAll(family(users.size(), r));
                    continue;
                }
            }
            users.add(user(users.size(), kind, r));
        }
        return new Scenario(seed, List.copyOf(users));
    }

    /** The population mix: mostly stable users, every other kind a few percent. */
    private static Kind kind(double p) {
        double[] cumulative = {0.40, 0.48, 0.53, 0.58, 0.61, 0.67, 0.73, 0.77, 0.82, 0.88, 0.94, 1.0};
        Kind[] kinds = {
            Kind.STABLE,
            Kind.DELETED,
            Kind.CLOUD_SWITCH,
            Kind.PM_SIGNED_OUT,
            Kind.REVOKED,
            Kind.HYBRID,
            Kind.GPM_DESKTOP,
            Kind.COOKIE_CLEARING,
            Kind.PRIVATE_BROWSER,
            Kind.FAMILY,
            Kind.RARE_DECLINER,
            Kind.ATTACKER
        };
        for (int i = 0; i < kinds.length; i++) {
            if (p < cumulative[i]) {
                return kinds[i];
            }
        }
        return Kind.STABLE;
    }

    private static UserScript user(int index, Kind kind, Random r) {
        String u = "u" + index;
        UUID appleAaguid = r.nextDouble() < 0.3 ? UNDISCLOSED : APPLE_AAGUID;
        UUID pmAaguid = r.nextBoolean() ? ONE_PASSWORD_AAGUID : BITWARDEN_AAGUID;
        List<DeviceSpec> devices = new ArrayList<>();
        Enrol enrol = Enrol.PLATFORM;
        String phone = null;
        List<DeviceSpec> attackerDevices = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        double meanDays = 6;
        double p = r.nextDouble();
        switch (kind) {
            case STABLE, DELETED, REVOKED, ATTACKER -> {
                if (p < 0.35) {
                    devices.add(mac(u + "-mac", "icloud:" + u, appleAaguid, null, null, r));
                    devices.add(iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null, r));
                } else if (p < 0.60) {
                    devices.add(android(u + "-android", "gpm:" + u, null, null, r));
                    devices.add(chromebook(u + "-chromebook", "gpm:" + u, r));
                } else if (p < 0.80 || kind == Kind.REVOKED) {
                    devices.add(windows(u + "-laptop", null, null, r));
                } else {
                    pmUser(u, devices, appleAaguid, pmAaguid, r);
                    enrol = Enrol.PASSWORD_MANAGER;
                }
            }
            case CLOUD_SWITCH -> {
                if (p < 0.5) {
                    devices.add(mac(u + "-mac", "icloud:" + u, appleAaguid, null, null, r));
                    devices.add(iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null, r));
                } else {
                    devices.add(android(u + "-android", "gpm:" + u, null, null, r));
                    devices.add(chromebook(u + "-chromebook", "gpm:" + u, r));
                }
            }
            case PM_SIGNED_OUT -> {
                pmUser(u, devices, appleAaguid, pmAaguid, r);
                enrol = Enrol.PASSWORD_MANAGER;
            }
            case HYBRID -> {
                devices.add(iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null, r));
                // Half of the PCs have no Windows Hello: they cannot create a passkey, only reach the phone.
                devices.add(p < 0.5 ? windowsWithoutHello(u + "-pc", r) : windows(u + "-pc", null, null, r));
                phone = u + "-iphone";
            }
            case GPM_DESKTOP -> {
                devices.add(android(u + "-android", "gpm:" + u, null, null, r));
                devices.add(new DeviceSpec(
                        u + "-desktop",
                        p < 0.5 ? ClientPlatform.WINDOWS : ClientPlatform.LINUX,
                        Browser.CHROME,
                        p < 0.5 ? UA_WINDOWS : UA_LINUX_CHROME,
                        p < 0.5 ? "Windows" : "Linux",
                        null,
                        p < 0.5 ? WINDOWS_HELLO_AAGUID : null,
                        false,
                        "gpm:" + u,
                        GOOGLE_AAGUID,
                        false,
                        r.nextDouble()));
            }
            case COOKIE_CLEARING ->
                devices.add(new DeviceSpec(
                        u + "-pc",
                        ClientPlatform.WINDOWS,
                        Browser.FIREFOX,
                        UA_WINDOWS_FIREFOX,
                        null,
                        null,
                        WINDOWS_HELLO_AAGUID,
                        false,
                        null,
                        null,
                        true,
                        r.nextDouble()));
            case PRIVATE_BROWSER -> {
                devices.add(mac(u + "-mac", "icloud:" + u, appleAaguid, null, null, r));
                devices.add(iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null, r));
            }
            case RARE_DECLINER -> {
                devices.add(
                        p < 0.5
                                ? iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null, r)
                                : windows(u + "-laptop", null, null, r));
                enrol = Enrol.NONE;
                meanDays = 17;
            }
            case FAMILY -> throw new IllegalArgumentException("families are generated in pairs");
        }
        boolean willing = kind != Kind.RARE_DECLINER && r.nextDouble() < 0.85;

        Instant breakAt = day(r, 30, 140);
        String breakDevice = devices.get(r.nextInt(devices.size())).id();
        switch (kind) {
            case DELETED -> events.add(new Delete(breakAt, breakDevice));
            case CLOUD_SWITCH -> events.add(new CloudSwitch(breakAt, breakDevice));
            case PM_SIGNED_OUT -> events.add(new PmSignOut(breakAt, breakDevice));
            case REVOKED -> events.add(new Revoke(breakAt));
            case ATTACKER -> {
                int attacks = 1 + r.nextInt(3);
                for (int i = 0; i < attacks; i++) {
                    DeviceSpec atk = new DeviceSpec(
                            u + "-attacker" + i,
                            ClientPlatform.WINDOWS,
                            Browser.CHROME,
                            UA_WINDOWS,
                            "Windows",
                            null,
                            WINDOWS_HELLO_AAGUID,
                            false,
                            null,
                            null,
                            false,
                            r.nextDouble());
                    attackerDevices.add(atk);
                    events.add(new Login(day(r, 10, DAYS - 1), atk.id(), r.nextLong(), false, true));
                }
            }
            default -> {}
        }

        // Sometimes a new device of the user's own ecosystem or a foreign one (stable kinds only).
        List<String> later = new ArrayList<>();
        Instant addAt = null;
        if ((kind == Kind.STABLE || kind == Kind.DELETED) && r.nextDouble() < 0.25) {
            addAt = day(r, 20, 160);
            String id = u + "-new";
            DeviceSpec first = devices.get(0);
            DeviceSpec added =
                    first.platformGroup() != null && r.nextBoolean() ? first.withId(id) : windows(id, null, null, r);
            events.add(new AddDevice(addAt, added));
            later.add(id);
        }
        logins(devices, later, addAt, meanDays, kind == Kind.PRIVATE_BROWSER ? 0.33 : 0, r, events);
        events.sort(Comparator.comparing(Event::at));
        return new UserScript(
                index,
                u + "@example.com",
                kind,
                List.copyOf(devices),
                phone,
                List.copyOf(attackerDevices),
                enrol,
                willing,
                List.copyOf(events));
    }

    /** Two accounts sharing an iPad signed into the first one's iCloud; each also has an iPhone. */
    private static List<UserScript> family(int index, Random r) {
        String parent = "u" + index;
        String child = "u" + (index + 1);
        DeviceSpec ipad = new DeviceSpec(
                "family-" + index + "-ipad",
                ClientPlatform.IOS,
                Browser.SAFARI,
                UA_IPAD,
                null,
                "icloud:" + parent,
                APPLE_AAGUID,
                true,
                null,
                null,
                false,
                r.nextDouble());
        List<UserScript> pair = new ArrayList<>();
        for (String u : List.of(parent, child)) {
            List<DeviceSpec> devices = List.of(iphone(u + "-iphone", "icloud:" + u, APPLE_AAGUID, null, null, r), ipad);
            List<Event> events = new ArrayList<>();
            logins(devices, List.of(), null, 6, 0, r, events);
            events.sort(Comparator.comparing(Event::at));
            pair.add(new UserScript(
                    u.equals(parent) ? index : index + 1,
                    u + "@example.com",
                    Kind.FAMILY,
                    devices,
                    null,
                    List.of(),
                    Enrol.PLATFORM,
                    r.nextDouble() < 0.85,
                    List.copyOf(events)));
        }
        return pair;
    }

    private static void pmUser(String u, List<DeviceSpec> devices, UUID appleAaguid, UUID pmAaguid, Random r) {
        String pm = "pm:" + u;
        double d = r.nextDouble();
        devices.add(
                d < 0.5
                        ? windows(u + "-laptop", pm, pmAaguid, r)
                        : d < 0.7
                                ? linux(u + "-laptop", pm, pmAaguid, r)
                                : mac(u + "-laptop", "icloud:" + u, appleAaguid, pm, pmAaguid, r));
        devices.add(
                r.nextBoolean()
                        ? iphone(u + "-phone", "icloud:" + u, appleAaguid, pm, pmAaguid, r)
                        : android(u + "-phone", "gpm:" + u, pm, pmAaguid, r));
    }

    /** Logins every few days (exponential gaps around {@code meanDays}) on a device the user has then. */
    private static void logins(
            List<DeviceSpec> devices,
            List<String> later,
            @Nullable Instant addAt,
            double meanDays,
            double privateShare,
            Random r,
            List<Event> events) {
        Instant t = START.plus(Duration.ofHours(1));
        Instant end = START.plus(Duration.ofDays(DAYS));
        while (true) {
            t = t.plusSeconds((long) (-Math.log(1 - r.nextDouble()) * meanDays * 86_400) + 600);
            if (!t.isBefore(end)) {
                return;
            }
            List<String> available =
                    new ArrayList<>(devices.stream().map(DeviceSpec::id).toList());
            if (addAt != null && t.isAfter(addAt)) {
                available.addAll(later);
            }
            events.add(new Login(
                    t, available.get(r.nextInt(available.size())), r.nextLong(), r.nextDouble() < privateShare, false));
        }
    }

    private static Instant day(Random r, int from, int to) {
        return START.plus(Duration.ofDays(from + r.nextInt(to - from))).plusSeconds(r.nextInt(86_400));
    }

    static DeviceSpec mac(
            String id, String group, UUID aaguid, @Nullable String pm, @Nullable UUID pmAaguid, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.MACOS,
                Browser.SAFARI,
                UA_MAC,
                null,
                group,
                aaguid,
                true,
                pm,
                pmAaguid,
                false,
                r.nextDouble());
    }

    static DeviceSpec iphone(
            String id, String group, UUID aaguid, @Nullable String pm, @Nullable UUID pmAaguid, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.IOS,
                Browser.SAFARI,
                UA_IPHONE,
                null,
                group,
                aaguid,
                true,
                pm,
                pmAaguid,
                false,
                r.nextDouble());
    }

    static DeviceSpec android(String id, String group, @Nullable String pm, @Nullable UUID pmAaguid, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.ANDROID,
                Browser.CHROME,
                UA_ANDROID,
                "Android",
                group,
                GOOGLE_AAGUID,
                true,
                pm,
                pmAaguid,
                false,
                r.nextDouble());
    }

    static DeviceSpec chromebook(String id, String group, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.CHROME_OS,
                Browser.CHROME,
                UA_CHROMEBOOK,
                "Chrome OS",
                group,
                GOOGLE_AAGUID,
                true,
                null,
                null,
                false,
                r.nextDouble());
    }

    static DeviceSpec windows(String id, @Nullable String pm, @Nullable UUID pmAaguid, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.WINDOWS,
                Browser.CHROME,
                UA_WINDOWS,
                "Windows",
                null,
                WINDOWS_HELLO_AAGUID,
                false,
                pm,
                pmAaguid,
                false,
                r.nextDouble());
    }

    static DeviceSpec windowsWithoutHello(String id, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.WINDOWS,
                Browser.CHROME,
                UA_WINDOWS,
                "Windows",
                null,
                null,
                false,
                null,
                null,
                false,
                r.nextDouble());
    }

    static DeviceSpec linux(String id, @Nullable String pm, @Nullable UUID pmAaguid, Random r) {
        return new DeviceSpec(
                id,
                ClientPlatform.LINUX,
                Browser.FIREFOX,
                UA_LINUX,
                null,
                null,
                null,
                false,
                pm,
                pmAaguid,
                false,
                r.nextDouble());
    }
}
