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
 * from a seed before any advisor runs, so that every advisor replays exactly the same world.
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

    /** What kind of user: which ecosystem their devices and passkeys live in. */
    enum Profile { APPLE, GOOGLE, WINDOWS, PASSWORD_MANAGER }

    /** The ground-truth causes of a broken passkey. */
    enum Break { DELETED, CLOUD_SWITCH, PM_SIGNED_OUT }

    /**
     * A device.
     *
     * @param platformGroup the sync group of its platform authenticator (e.g. the user's iCloud
     *     account), or {@code null} for a device-bound one
     * @param platformAaguid the AAGUID its platform authenticator reports, or {@code null} if it has
     *     none (then it cannot create a passkey)
     * @param pmGroup the password manager account signed in on it, or {@code null}
     */
    record DeviceSpec(String id, ClientPlatform platform, String userAgent, @Nullable String uaPlatformHint,
            @Nullable String platformGroup, @Nullable UUID platformAaguid, boolean platformSynced,
            @Nullable String pmGroup, @Nullable UUID pmAaguid) {

        boolean canCreate() {
            return platformAaguid != null;
        }
    }

    sealed interface Event {
        Instant at();
    }

    /** The user signs in on a device; {@code behaviour} seeds the user's choices in that login. */
    record Login(Instant at, String deviceId, long behaviour) implements Event { }

    /** The user deletes the passkey on a device (a synced deletion reaches the whole sync group). */
    record Delete(Instant at, String deviceId) implements Event { }

    /** The device's platform account changes (another iCloud / Google account). */
    record CloudSwitch(Instant at, String deviceId) implements Event { }

    /** The password manager on the device is signed out. */
    record PmSignOut(Instant at, String deviceId) implements Event { }

    /** A new device; it joins the user's sync groups if its spec says so. */
    record AddDevice(Instant at, DeviceSpec device) implements Event { }

    /**
     * One user.
     *
     * @param willing whether the user accepts an offer to create a passkey
     */
    record UserScript(int index, String identifier, Profile profile, List<DeviceSpec> devices, boolean enrolInPm,
            boolean willing, List<Event> events) { }

    static final String UA_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    static final String UA_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    static final String UA_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
    static final String UA_CHROMEBOOK = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    static final String UA_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    static final String UA_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";

    static Scenario generate(long seed, int userCount) {
        Random random = new Random(seed);
        List<UserScript> users = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            users.add(user(i, new Random(random.nextLong())));
        }
        return new Scenario(seed, List.copyOf(users));
    }

    private static UserScript user(int index, Random r) {
        String u = "u" + index;
        double p = r.nextDouble();
        Profile profile = p < 0.35 ? Profile.APPLE : p < 0.60 ? Profile.GOOGLE : p < 0.75 ? Profile.WINDOWS
                : Profile.PASSWORD_MANAGER;
        UUID appleAaguid = r.nextDouble() < 0.3 ? UNDISCLOSED : APPLE_AAGUID;
        UUID pmAaguid = r.nextBoolean() ? ONE_PASSWORD_AAGUID : BITWARDEN_AAGUID;
        List<DeviceSpec> devices = new ArrayList<>();
        switch (profile) {
            case APPLE -> {
                devices.add(mac(u + "-mac", "icloud:" + u, appleAaguid, null, null));
                devices.add(iphone(u + "-iphone", "icloud:" + u, appleAaguid, null, null));
            }
            case GOOGLE -> {
                devices.add(android(u + "-android", "gpm:" + u, null, null));
                devices.add(chromebook(u + "-chromebook", "gpm:" + u, null, null));
            }
            case WINDOWS -> devices.add(windows(u + "-laptop", null, null));
            case PASSWORD_MANAGER -> {
                String pm = "pm:" + u;
                double d = r.nextDouble();
                devices.add(d < 0.5 ? windows(u + "-laptop", pm, pmAaguid)
                        : d < 0.7 ? linux(u + "-laptop", pm, pmAaguid)
                        : mac(u + "-laptop", "icloud:" + u, appleAaguid, pm, pmAaguid));
                devices.add(r.nextBoolean() ? iphone(u + "-phone", "icloud:" + u, appleAaguid, pm, pmAaguid)
                        : android(u + "-phone", "gpm:" + u, pm, pmAaguid));
            }
        }
        boolean willing = r.nextDouble() < 0.85;
        List<Event> events = new ArrayList<>();
        List<String> deviceIds = new ArrayList<>(devices.stream().map(DeviceSpec::id).toList());

        // At most one break per user, on one of the initial devices.
        double b = r.nextDouble();
        Instant breakAt = day(r, 30, 140);
        String breakDevice = devices.get(r.nextInt(devices.size())).id();
        if (profile == Profile.WINDOWS) {
            breakDevice = devices.get(0).id();
        }
        if (profile == Profile.PASSWORD_MANAGER && b < 0.45) {
            events.add(new PmSignOut(breakAt, breakDevice));
        } else if ((profile == Profile.APPLE || profile == Profile.GOOGLE) && b < 0.20) {
            events.add(new CloudSwitch(breakAt, breakDevice));
        } else if (b > 0.70) {
            events.add(new Delete(breakAt, breakDevice));
        }

        // Sometimes a new device: synced into the user's ecosystem, or foreign to it.
        Instant addAt = null;
        if (r.nextDouble() < 0.25) {
            addAt = day(r, 20, 160);
            boolean synced = r.nextBoolean() && profile != Profile.WINDOWS;
            String id = u + "-new";
            DeviceSpec added = switch (profile) {
                case APPLE -> synced ? iphone(id, "icloud:" + u, appleAaguid, null, null)
                        : windows(id, null, null);
                case GOOGLE -> synced ? android(id, "gpm:" + u, null, null)
                        : iphone(id, "icloud:other-" + u, APPLE_AAGUID, null, null);
                case WINDOWS -> r.nextBoolean() ? windows(id, null, null) : android(id, "gpm:" + u, null, null);
                case PASSWORD_MANAGER -> synced ? windows(id, "pm:" + u, pmAaguid) : windows(id, null, null);
            };
            events.add(new AddDevice(addAt, added));
        }

        // Logins every few days on one of the devices the user has at that time.
        Instant t = START.plus(Duration.ofHours(1));
        Instant end = START.plus(Duration.ofDays(DAYS));
        while (true) {
            t = t.plusSeconds((long) (-Math.log(1 - r.nextDouble()) * 8 * 86_400) + 600);
            if (!t.isBefore(end)) {
                break;
            }
            List<String> available = new ArrayList<>(deviceIds);
            if (addAt != null && t.isAfter(addAt)) {
                available.add(u + "-new");
            }
            events.add(new Login(t, available.get(r.nextInt(available.size())), r.nextLong()));
        }
        events.sort(Comparator.comparing(Event::at));
        return new UserScript(index, u + "@example.com", profile, List.copyOf(devices),
                profile == Profile.PASSWORD_MANAGER, willing, List.copyOf(events));
    }

    private static Instant day(Random r, int from, int to) {
        return START.plus(Duration.ofDays(from + r.nextInt(to - from))).plusSeconds(r.nextInt(86_400));
    }

    static DeviceSpec mac(String id, String group, UUID aaguid, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.MACOS, UA_MAC, null, group, aaguid, true, pm, pmAaguid);
    }

    static DeviceSpec iphone(String id, String group, UUID aaguid, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.IOS, UA_IPHONE, null, group, aaguid, true, pm, pmAaguid);
    }

    static DeviceSpec android(String id, String group, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.ANDROID, UA_ANDROID, "Android", group, GOOGLE_AAGUID, true, pm,
                pmAaguid);
    }

    static DeviceSpec chromebook(String id, String group, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.CHROME_OS, UA_CHROMEBOOK, "Chrome OS", group, GOOGLE_AAGUID, true,
                pm, pmAaguid);
    }

    static DeviceSpec windows(String id, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.WINDOWS, UA_WINDOWS, "Windows", null, WINDOWS_HELLO_AAGUID, false,
                pm, pmAaguid);
    }

    static DeviceSpec linux(String id, @Nullable String pm, @Nullable UUID pmAaguid) {
        return new DeviceSpec(id, ClientPlatform.LINUX, UA_LINUX, null, null, null, false, pm, pmAaguid);
    }
}
