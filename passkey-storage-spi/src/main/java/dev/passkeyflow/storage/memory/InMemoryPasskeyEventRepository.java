package dev.passkeyflow.storage.memory;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.PasskeyEventRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A bounded, thread-safe in-memory {@link PasskeyEventRepository} for one node and for tests. When
 * full it drops the event that expires first (expired ones go first anyway), never the newest.
 */
public final class InMemoryPasskeyEventRepository implements PasskeyEventRepository {

    /** The default bound: {@value} events. */
    public static final int DEFAULT_MAX_EVENTS = 100_000;

    private static final Comparator<Stored> NEWEST_FIRST = Comparator.comparing(
                    (Stored s) -> s.event().at())
            .thenComparingLong(Stored::sequence)
            .reversed();

    private record Stored(PasskeyEvent event, long sequence) {}

    private final int maxEvents;
    private final Map<String, Stored> byId = new LinkedHashMap<>();
    private long sequence;

    public InMemoryPasskeyEventRepository() {
        this(DEFAULT_MAX_EVENTS);
    }

    /** @throws IllegalArgumentException if {@code maxEvents} is not positive */
    public InMemoryPasskeyEventRepository(int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be positive, was " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    @Override
    public synchronized void append(PasskeyEvent event) {
        Objects.requireNonNull(event, "event");
        if (byId.containsKey(event.eventId())) {
            return;
        }
        if (byId.size() >= maxEvents) {
            byId.values().stream()
                    .min(Comparator.comparing((Stored s) -> s.event().expiresAt())
                            .thenComparingLong(Stored::sequence))
                    .ifPresent(oldest -> byId.remove(oldest.event().eventId()));
        }
        byId.put(event.eventId(), new Stored(event, ++sequence));
    }

    @Override
    public List<PasskeyEvent> activeByUser(Bytes userHandle, Instant now, int limit) {
        Objects.requireNonNull(userHandle, "userHandle");
        return select(e -> e.userHandle().equals(userHandle), now, limit);
    }

    @Override
    public List<PasskeyEvent> activeByDevice(String deviceId, Instant now, int limit) {
        Objects.requireNonNull(deviceId, "deviceId");
        return select(e -> deviceId.equals(e.deviceId()), now, limit);
    }

    private synchronized List<PasskeyEvent> select(Predicate<PasskeyEvent> filter, Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        List<Stored> found = new ArrayList<>();
        for (Stored stored : byId.values()) {
            if (stored.event().activeAt(now) && filter.test(stored.event())) {
                found.add(stored);
            }
        }
        found.sort(NEWEST_FIRST);
        return found.stream().limit(limit).map(Stored::event).toList();
    }

    @Override
    public synchronized int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        Set<String> expired = new HashSet<>();
        byId.forEach((id, stored) -> {
            if (!stored.event().activeAt(now)) {
                expired.add(id);
            }
        });
        expired.forEach(byId::remove);
        return expired.size();
    }

    /** How many events are held, expired or not. */
    public synchronized int size() {
        return byId.size();
    }
}
