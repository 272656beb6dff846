package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.resilience.BackendUnavailableException;

import java.time.InstantSource;
import java.util.Objects;

/**
 * Idempotency records in this JVM's memory: the default store when no Redis is configured. It answers as the Redis
 * store does; only who shares the records differs: here, nobody outside this JVM, so two instances of an
 * application behind one load balancer each run a retried request once.
 *
 * <h2>Records</h2>
 * One immutable {@link IdempotencyRecord} per key in a Caffeine cache: fingerprint, owner token (while in
 * progress), result (once completed) and the moment it expires, which is also the entry's expiry in the cache
 * ({@link IdempotencyRecord#expiresAtMillis()}): the lease's end while in progress, the end of the completion's time
 * to live once completed. A record is live while the clock is before that moment; an expired one that Caffeine has
 * not swept yet counts as gone. Results are copied in and out, so neither the caller that stored one nor those it is
 * replayed to can change what the next replay returns (the bytes Redis would return are always fresh, too).
 *
 * <h2>Atomicity</h2>
 * Every operation is one {@code compute} on the cache's map, which holds the key's entry for the duration: a claim
 * looks and creates in one step, and renew, complete and release compare the owner token and write in one step.
 * Different keys do not wait for each other.
 *
 * <h2>The bound</h2>
 * The store holds at most {@code maximumSize} records ({@link StoreBound}), because keys come from callers and must
 * not exhaust the heap; but it never drops a record before it expires. Dropping one early, as Caffeine's size
 * eviction would, breaks the guarantee itself: a dropped running claim lets a concurrent retry run alongside the first
 * call, a dropped completed record lets a retry run the call again; and a caller sending many distinct keys could
 * cause that for other callers' keys. Instead, while the store is full, a claim of a key that has no live record
 * fails with {@link BackendUnavailableException}, exactly as when the Redis store is unavailable: the method's failure
 * mode decides ({@code REJECT}, the default: {@code 503}, the method does not run; {@code EXECUTE}: it runs without
 * the guarantee). Keys that have a record (replays, conflicts, mismatches) and the owners' renew, complete and
 * release are answered as always. Each record costs its result's size plus a few hundred bytes (key, fingerprint,
 * owner, cache entry); size the bound above the number of records live at once, that is, keys completed within the
 * longest time to live plus calls running.
 *
 * <h2>Clock</h2>
 * Epoch milliseconds from an {@link InstantSource} (by default the system clock), also used as Caffeine's ticker, so
 * a test's manual clock drives both the store's decisions and Caffeine's expiry. Caffeine's maintenance runs on the
 * calling threads: the store starts no threads, which a Jakarta EE server would not manage.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    /** Default bound on stored records. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    private final InstantSource clock;
    private final Cache<String, IdempotencyRecord> records;
    private final StoreBound bound;

    /** The system clock and {@link #DEFAULT_MAXIMUM_SIZE}. */
    public InMemoryIdempotencyStore() {
        this(InstantSource.system(), DEFAULT_MAXIMUM_SIZE);
    }

    /** The system clock and at most {@code maximumSize} records ({@code > 0}). */
    public InMemoryIdempotencyStore(long maximumSize) {
        this(InstantSource.system(), maximumSize);
    }

    /**
     * @param clock       the time of leases and time to live, and of expiry
     * @param maximumSize most records kept, {@code > 0}; beyond it, new keys cannot be claimed
     */
    public InMemoryIdempotencyStore(InstantSource clock, long maximumSize) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.records = LocalCaches.expiring(clock, IdempotencyRecord::expiresAtMillis);
        this.bound = new StoreBound(records, clock, maximumSize);
    }

    /**
     * {@inheritDoc}
     *
     * @throws BackendUnavailableException if {@code key} has no live record and the store is full
     */
    @Override
    public ClaimOutcome claim(String key, String fingerprint, String owner, long leaseMillis) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(owner, "owner");
        positive(leaseMillis, "leaseMillis");
        // Checked before the compute, not inside it: a sweep must not run while the map holds a bin's lock.
        if (bound.isFull() && records.getIfPresent(Objects.requireNonNull(key, "key")) == null) {
            throw new BackendUnavailableException("The in-memory idempotency store is full ("
                    + bound.maximumSize() + " live records): a new key cannot be claimed until some expire", null);
        }
        ClaimOutcome[] outcome = new ClaimOutcome[1];
        records.asMap().compute(Objects.requireNonNull(key, "key"), (k, stored) -> {
            long now = clock.millis();
            if (stored == null || !stored.isLiveAt(now)) {
                outcome[0] = ClaimOutcome.claimed();
                return IdempotencyRecord.inProgress(fingerprint, owner, until(now, leaseMillis));
            }
            if (!stored.fingerprint().equals(fingerprint)) {
                outcome[0] = ClaimOutcome.mismatch();
            } else if (stored.isCompleted()) {
                outcome[0] = ClaimOutcome.completed(stored.result().clone());
            } else {
                outcome[0] = ClaimOutcome.inProgress(stored.expiresAtMillis() - now);
            }
            return stored;
        });
        return outcome[0];
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        Objects.requireNonNull(owner, "owner");
        positive(leaseMillis, "leaseMillis");
        boolean[] renewed = new boolean[1];
        records.asMap().compute(Objects.requireNonNull(key, "key"), (k, stored) -> {
            long now = clock.millis();
            if (!isLiveAndOwnedBy(stored, owner, now)) {
                return stored;
            }
            renewed[0] = true;
            return stored.renewed(until(now, leaseMillis));
        });
        return renewed[0];
    }

    @Override
    public boolean complete(String key, String owner, byte[] result, long ttlMillis) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(result, "result");
        positive(ttlMillis, "ttlMillis");
        boolean[] completed = new boolean[1];
        records.asMap().compute(Objects.requireNonNull(key, "key"), (k, stored) -> {
            long now = clock.millis();
            if (!isLiveAndOwnedBy(stored, owner, now)) {
                return stored;
            }
            completed[0] = true;
            return stored.completed(result.clone(), until(now, ttlMillis));
        });
        return completed[0];
    }

    @Override
    public boolean release(String key, String owner) {
        Objects.requireNonNull(owner, "owner");
        boolean[] released = new boolean[1];
        records.asMap().compute(Objects.requireNonNull(key, "key"), (k, stored) -> {
            if (!isLiveAndOwnedBy(stored, owner, clock.millis())) {
                return stored;
            }
            released[0] = true;
            return null;
        });
        return released[0];
    }

    /** Memory always answers. */
    @Override
    public void ping() {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void close() {
        records.invalidateAll();
        records.cleanUp();
    }

    /** The number of stored records once expired and evicted ones are gone; for tests. */
    long storedRecords() {
        records.cleanUp();
        return records.estimatedSize();
    }

    private static boolean isLiveAndOwnedBy(IdempotencyRecord stored, String owner, long now) {
        return stored != null && stored.isLiveAt(now) && stored.isOwnedBy(owner);
    }

    /** {@code now + millis}, saturating rather than overflowing. */
    private static long until(long now, long millis) {
        return millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis;
    }

    private static void positive(long millis, String name) {
        if (millis <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + millis);
        }
    }
}
