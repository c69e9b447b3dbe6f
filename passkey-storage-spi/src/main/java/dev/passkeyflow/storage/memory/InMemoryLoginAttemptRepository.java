package dev.passkeyflow.storage.memory;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe, bounded, in-memory {@link LoginAttemptRepository}.
 *
 * <p>Every attempt gets a global insertion sequence number and is indexed by user, by device (when
 * it has a device id) and by credential (when it has a credential id). Each index bucket is kept
 * sorted by time, then sequence, in an array whose newest end is reached in constant time, so a
 * query reads only the entries it returns plus, at most, entries already dropped from another
 * index; its cost does not depend on how long the history is.
 *
 * <p>Size is bounded per user and per device: when a bucket grows past its cap, its oldest
 * attempts are dropped from the repository altogether (from every index, lazily for the other
 * indexes). A credential's bucket is capped at the per-user cap. Optionally, attempts older than a
 * maximum age (by the injected clock) are no longer returned and are dropped whenever their bucket
 * is written or {@link #purgeOlderThan(Instant)} runs.
 *
 * <p>Writes to different users, devices and credentials do not block each other; each bucket is
 * changed only while holding the map's lock for its key and the bucket's own monitor.
 */
public final class InMemoryLoginAttemptRepository implements LoginAttemptRepository {

    /** The default number of attempts kept per user: {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS_PER_USER = 1_000;

    /** The default number of attempts kept per device: {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS_PER_DEVICE = 1_000;

    /** Newest first: time descending, then insertion sequence descending (the later one first). */
    private static final Comparator<Entry> NEWEST_FIRST = (a, b) -> {
        int byTime = b.attempt.at().compareTo(a.attempt.at());
        return byTime != 0 ? byTime : Long.compare(b.sequence, a.sequence);
    };

    /** One stored attempt, shared by the index buckets that hold it. */
    private static final class Entry {
        final LoginAttempt attempt;
        final long sequence;
        /** Set once the attempt is in every index it belongs to; before that queries skip it. */
        volatile boolean published;
        /** Set once when the attempt is dropped or purged; from then on every index skips it. */
        final AtomicBoolean removed = new AtomicBoolean();
        /** Set when the attempt was not stored because its attempt id already was. */
        boolean duplicate;

        Entry(LoginAttempt attempt, long sequence) {
            this.attempt = attempt;
            this.sequence = sequence;
        }

        boolean visible() {
            return published && !removed.get();
        }

        /** Marks this attempt removed; true for the one caller that removed it. */
        boolean remove() {
            return removed.compareAndSet(false, true);
        }
    }

    /**
     * The attempts of one user, device or credential in a sorted array, oldest first, so the
     * newest attempt is found in constant time whatever the bucket's size (a balanced tree would
     * walk its height first, which grows with the history). Attempts almost always arrive newest,
     * which appends at the end; an older one is put in place by binary search and a shift. The
     * oldest leave from the front by moving {@code head}. Guarded by its monitor.
     */
    private static final class Bucket {
        private static final int INITIAL_CAPACITY = 4;
        /** Below this capacity a mostly empty array is not worth shrinking. */
        private static final int MIN_SHRINK_CAPACITY = 64;

        private Entry[] items = new Entry[INITIAL_CAPACITY];
        /** Index of the oldest entry; the entries are {@code items[head .. head + size)}. */
        private int head;

        private int size;

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** The i-th newest entry, 0 being the newest. */
        Entry newest(int i) {
            return items[head + size - 1 - i];
        }

        Entry oldest() {
            return items[head];
        }

        void add(Entry entry) {
            if (head + size == items.length) {
                makeRoom();
            }
            int end = head + size;
            // Where the entry goes: after every entry that is older than it (later in NEWEST_FIRST).
            int low = head;
            int high = end;
            if (size > 0 && NEWEST_FIRST.compare(entry, items[end - 1]) < 0) {
                low = end; // the common case: newer than everything stored
            }
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (NEWEST_FIRST.compare(items[middle], entry) > 0) {
                    low = middle + 1; // items[middle] is older
                } else {
                    high = middle;
                }
            }
            System.arraycopy(items, low, items, low + 1, end - low);
            items[low] = entry;
            size++;
        }

        /** Removes and returns the oldest entry. */
        Entry pollOldest() {
            Entry oldest = items[head];
            items[head] = null;
            head++;
            size--;
            if (size == 0) {
                head = 0;
            } else if (items.length >= MIN_SHRINK_CAPACITY && size < items.length / 4) {
                resize(items.length / 2);
            }
            return oldest;
        }

        /** Called when the array is full at its end: slides the entries to the front or grows. */
        private void makeRoom() {
            resize(size < items.length / 2 ? items.length : items.length * 2);
        }

        private void resize(int capacity) {
            Entry[] target = capacity == items.length ? items : new Entry[capacity];
            System.arraycopy(items, head, target, 0, size);
            if (target == items) {
                Arrays.fill(items, size, head + size, null);
            }
            items = target;
            head = 0;
        }
    }

    private final Clock clock;
    private final int maxAttemptsPerUser;
    private final int maxAttemptsPerDevice;
    private final @Nullable Duration maxAge;

    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Bytes, Bucket> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> byDevice = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Bytes, Bucket> byCredential = new ConcurrentHashMap<>();

    /**
     * Creates a repository with the system UTC clock, the default caps and no maximum age.
     */
    public InMemoryLoginAttemptRepository() {
        this(Clock.systemUTC());
    }

    /**
     * Creates a repository with the default caps and no maximum age.
     *
     * @param clock the clock that a maximum age would be measured by
     */
    public InMemoryLoginAttemptRepository(Clock clock) {
        this(clock, DEFAULT_MAX_ATTEMPTS_PER_USER, DEFAULT_MAX_ATTEMPTS_PER_DEVICE);
    }

    /**
     * Creates a repository with the given caps and no maximum age.
     *
     * @param clock the clock that a maximum age would be measured by
     * @param maxAttemptsPerUser how many attempts are kept per user (and per credential); positive
     * @param maxAttemptsPerDevice how many attempts are kept per device; positive
     * @throws IllegalArgumentException if a cap is not positive
     */
    public InMemoryLoginAttemptRepository(Clock clock, int maxAttemptsPerUser, int maxAttemptsPerDevice) {
        this(clock, maxAttemptsPerUser, maxAttemptsPerDevice, null);
    }

    /**
     * Creates a repository with the given caps and maximum age.
     *
     * @param clock the clock the maximum age is measured by
     * @param maxAttemptsPerUser how many attempts are kept per user (and per credential); positive
     * @param maxAttemptsPerDevice how many attempts are kept per device; positive
     * @param maxAge attempts recorded longer ago than this are no longer returned and are dropped;
     *     {@code null} keeps attempts until they are capped or purged
     * @throws IllegalArgumentException if a cap is not positive or {@code maxAge} is not positive
     */
    public InMemoryLoginAttemptRepository(
            Clock clock, int maxAttemptsPerUser, int maxAttemptsPerDevice, @Nullable Duration maxAge) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxAttemptsPerUser <= 0) {
            throw new IllegalArgumentException("maxAttemptsPerUser must be positive, was " + maxAttemptsPerUser);
        }
        if (maxAttemptsPerDevice <= 0) {
            throw new IllegalArgumentException("maxAttemptsPerDevice must be positive, was " + maxAttemptsPerDevice);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        }
        this.maxAttemptsPerUser = maxAttemptsPerUser;
        this.maxAttemptsPerDevice = maxAttemptsPerDevice;
        this.maxAge = maxAge;
    }

    @Override
    public void append(LoginAttempt attempt) {
        Objects.requireNonNull(attempt, "attempt");
        Entry entry = new Entry(attempt, sequence.incrementAndGet());
        @Nullable Instant horizon = horizon();
        // The user index comes first: every stored attempt is in its user's bucket until removed,
        // so that is where an attempt id already stored is found (an attempt and its repeat share
        // their user and their time).
        insert(byUser, attempt.userHandle(), entry, maxAttemptsPerUser, horizon, true);
        if (entry.removed.get() && entry.duplicate) {
            return;
        }
        // An attempt already dropped (older than the maximum age, or than a full user's history)
        // is not added to the other indexes.
        if (attempt.deviceId() != null && !entry.removed.get()) {
            insert(byDevice, attempt.deviceId(), entry, maxAttemptsPerDevice, horizon, false);
        }
        if (attempt.credentialId() != null && !entry.removed.get()) {
            insert(byCredential, attempt.credentialId(), entry, maxAttemptsPerUser, horizon, false);
        }
        entry.published = true;
    }

    @Override
    public List<LoginAttempt> recentByUser(Bytes userHandle, Instant since, int limit) {
        Objects.requireNonNull(userHandle, "userHandle");
        return query(byUser, userHandle, since, limit);
    }

    @Override
    public List<LoginAttempt> recentByDevice(String deviceId, Instant since, int limit) {
        Objects.requireNonNull(deviceId, "deviceId");
        return query(byDevice, deviceId, since, limit);
    }

    @Override
    public List<LoginAttempt> recentByCredential(Bytes credentialId, Instant since, int limit) {
        Objects.requireNonNull(credentialId, "credentialId");
        return query(byCredential, credentialId, since, limit);
    }

    @Override
    public int purgeOlderThan(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int purged = purge(byUser, cutoff);
        purged += purge(byDevice, cutoff);
        purged += purge(byCredential, cutoff);
        Instant horizon = horizon();
        if (horizon != null && horizon.isAfter(cutoff)) {
            purged += purge(byUser, horizon);
            purged += purge(byDevice, horizon);
            purged += purge(byCredential, horizon);
        }
        return purged;
    }

    /** The oldest instant still kept under the maximum age, or null without a maximum age. */
    private @Nullable Instant horizon() {
        return maxAge == null ? null : clock.instant().minus(maxAge);
    }

    private static <K> void insert(
            ConcurrentHashMap<K, Bucket> index,
            K key,
            Entry entry,
            int cap,
            @Nullable Instant horizon,
            boolean deduplicate) {
        index.compute(key, (k, bucket) -> {
            Bucket target = bucket == null ? new Bucket() : bucket;
            synchronized (target) {
                if (deduplicate && holdsAttemptId(target, entry.attempt)) {
                    entry.duplicate = true;
                    entry.remove();
                    return target.isEmpty() ? null : target;
                }
                target.add(entry);
                if (horizon != null) {
                    dropOlderThan(target, horizon);
                }
                while (target.size() > cap) {
                    // The oldest goes first; it leaves every index (the others skip it from now on).
                    target.pollOldest().remove();
                }
                return target.isEmpty() ? null : target;
            }
        });
    }

    /**
     * Whether the bucket already holds an attempt with this attempt's id. Only entries at least as
     * new as the attempt are read: a repeat has the same time, and attempts arrive newest last, so
     * this reads the few newest entries.
     */
    private static boolean holdsAttemptId(Bucket bucket, LoginAttempt attempt) {
        String id = attempt.attemptId();
        if (id == null) {
            return false;
        }
        for (int i = 0; i < bucket.size(); i++) {
            Entry stored = bucket.newest(i);
            if (stored.attempt.at().isBefore(attempt.at())) {
                return false;
            }
            if (id.equals(stored.attempt.attemptId()) && !stored.removed.get()) {
                return true;
            }
        }
        return false;
    }

    private <K> List<LoginAttempt> query(Map<K, Bucket> index, K key, Instant since, int limit) {
        Objects.requireNonNull(since, "since");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        Instant horizon = horizon();
        Instant from = horizon != null && horizon.isAfter(since) ? horizon : since;
        Bucket bucket = index.get(key);
        if (bucket == null) {
            return List.of();
        }
        List<LoginAttempt> result = new ArrayList<>(Math.min(limit, 64));
        synchronized (bucket) {
            for (int i = 0; i < bucket.size(); i++) {
                Entry entry = bucket.newest(i);
                if (entry.attempt.at().isBefore(from) || result.size() == limit) {
                    break;
                }
                if (entry.visible()) {
                    result.add(entry.attempt);
                }
            }
        }
        return List.copyOf(result);
    }

    private static <K> int purge(ConcurrentHashMap<K, Bucket> index, Instant cutoff) {
        int[] purged = {0};
        for (K key : index.keySet()) {
            index.computeIfPresent(key, (k, bucket) -> {
                synchronized (bucket) {
                    purged[0] += dropOlderThan(bucket, cutoff);
                    return bucket.isEmpty() ? null : bucket;
                }
            });
        }
        return purged[0];
    }

    /** Drops the entries before {@code cutoff}; returns how many of them were still stored. */
    private static int dropOlderThan(Bucket bucket, Instant cutoff) {
        int dropped = 0;
        while (!bucket.isEmpty() && bucket.oldest().attempt.at().isBefore(cutoff)) {
            if (bucket.pollOldest().remove()) {
                dropped++;
            }
        }
        return dropped;
    }
}
