package dev.tollgate.internal.local;

import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory backend's states by (limiter, partition): a concurrent map of limiters to concurrent maps of
 * partitions, whose entries are kept until their state says it stopped mattering
 * ({@link LimitState#expiresAtMillis()}), and at most {@code maximumSize} of them. Two levels rather than one map of
 * (limiter, partition) pairs, so that the lookup builds no pair object per call, and a stored state costs no such
 * object either.
 *
 * <h2>Why not Caffeine</h2>
 * The idempotency store keeps its records in Caffeine; this store did too. Caffeine knows an entry's expiry only from a
 * write, so a state whose expiry moves (every fixed window at each window's end, every bucket once per refill) had to
 * be written again, a write that goes through Caffeine's write buffer and its maintenance on the calling threads; and
 * each entry costs a Caffeine node besides the map's. Here a state's expiry is read from the state when it is swept,
 * so moving it costs nothing, an entry is written only when it is created or replaced, and a stored state takes about
 * 150 bytes instead of 210 ({@code PartitionFloodTest}). On the benchmark machine the decision rate did not tell the
 * two apart beyond its noise ({@code docs/benchmarks.md}). Expiry is lazy: a state that stopped mattering may stay in
 * the map for a while, which changes no answer, because such a state answers exactly as a missing one would (each
 * state ages by the time it is given: a window ends, a log is pruned, a bucket refills, leases end).
 *
 * <h2>Sweeping</h2>
 * An entry is removed only under its stripe's lock ({@link StripedLocks}), which the backend holds wherever it changes
 * a state that is not a {@link SharedLimitState}, and only once its expiry has passed: a {@link SharedLimitState} is
 * frozen first, then its expiry read (a lock-free call may have moved it: a fixed window moving on), and it stays
 * frozen if removed, so a lock-free call still holding it goes to the lock, where it finds the entry gone. The sweeper
 * only ever tries locks, so it cannot deadlock with a caller holding a stripe; an entry whose stripe is busy is in use
 * and waits for the next sweep. Sweeps run on the calling threads (this store starts no threads, which a Jakarta EE
 * server would not manage):
 * <ul>
 *     <li>each creation of an entry looks at the next {@value #SWEEP_STEP} entries of a cursor that goes round the
 *     map, so expired entries do not pile up while partitions keep coming;</li>
 *     <li>a store found full is swept whole before a new partition is refused its own state ({@link #isFull}), but
 *     only once the earliest expiry it knows of has passed, and never more often than every twenty times the last
 *     whole sweep took, so that a flood against a full store spends at most a twentieth of a core sweeping.</li>
 * </ul>
 */
final class LimitStates {

    /** Entries looked at per created entry: more than one, so the sweep outruns the creations. */
    static final int SWEEP_STEP = 2;

    /**
     * Limiter, then partition: a lookup needs no key object built per call, and the map's node holds the partition
     * string the caller passed, which its equality check compares by reference first. Limiters are fixed at
     * deployment, so their maps are never removed (before {@link #clear}).
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, LimitState>> states = new ConcurrentHashMap<>();
    /** Entries in all the limiters' maps. */
    private final LongAdder entries = new LongAdder();
    private final StripedLocks locks;
    private final InstantSource clock;
    private final long maximumSize;

    private final ReentrantLock sweeping = new ReentrantLock();
    /** Where the step sweep goes on; only under {@link #sweeping}. */
    private Iterator<Map.Entry<String, ConcurrentHashMap<String, LimitState>>> limiterCursor;
    /** Where the step sweep goes on within the limiter {@link #limiterCursor} gave last; only under the lock. */
    private String cursorLimiter;
    private Iterator<Map.Entry<String, LimitState>> cursor;
    /** No whole sweep before this (epoch ms): nothing known to expire sooner, or the last sweep too recent. */
    private volatile long nextSweepAt = Long.MIN_VALUE;

    LimitStates(StripedLocks locks, InstantSource clock, long maximumSize) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be > 0, was " + maximumSize);
        }
        this.locks = locks;
        this.clock = clock;
        this.maximumSize = maximumSize;
    }

    /** The state stored for {@code key}, or {@code null}; possibly one that stopped mattering and is not swept yet. */
    LimitState get(LimitKey key) {
        return get(key.limiter(), key.partition());
    }

    /** {@link #get(LimitKey)} without a key object: the lock-free path's lookup. */
    LimitState get(String limiter, String partition) {
        ConcurrentHashMap<String, LimitState> partitions = states.get(limiter);
        return partitions == null ? null : partitions.get(partition);
    }

    /**
     * Stores {@code state} for {@code key}, under {@code key}'s stripe lock: a new state, or one replacing another (a
     * fixed window's new counter after the clock went back, a state of another algorithm). Creating an entry sweeps a
     * step.
     */
    void put(LimitKey key, LimitState state) {
        LimitState before = states.computeIfAbsent(key.limiter(), limiter -> new ConcurrentHashMap<>())
                .put(key.partition(), state);
        if (before == null) {
            entries.increment();
            long expiresAt = state.expiresAtMillis();
            if (expiresAt < nextSweepAt) {
                nextSweepAt = expiresAt;
            }
            sweepStep();
        }
    }

    /** Removes the entry of {@code key}, under {@code key}'s stripe lock (concurrency permits all given back). */
    void remove(LimitKey key) {
        ConcurrentHashMap<String, LimitState> partitions = states.get(key.limiter());
        if (partitions != null && partitions.remove(key.partition()) != null) {
            entries.decrement();
        }
    }

    /** Entries in the map, swept or not. */
    long size() {
        return entries.sum();
    }

    /**
     * Whether the store holds {@code maximumSize} entries that have not expired (or more), so must not create another.
     * Checked without a lock: callers racing past it together may exceed the bound by as many entries as there are of
     * them.
     */
    boolean isFull() {
        if (entries.sum() < maximumSize) {
            return false;
        }
        long now = clock.millis();
        if (now >= nextSweepAt) {
            long started = System.nanoTime();
            long earliest = sweep(now);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            nextSweepAt = Math.max(earliest, now + Math.max(1, 20 * tookMillis));
        }
        return entries.sum() >= maximumSize;
    }

    /** Removes every expired entry whose stripe is free now; for tests and {@link #isFull}. */
    void sweepAll() {
        nextSweepAt = sweep(clock.millis());
    }

    void clear() {
        states.clear();
        entries.reset();
    }

    private void sweepStep() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            long now = clock.millis();
            for (int i = 0; i < SWEEP_STEP; i++) {
                Map.Entry<String, LimitState> entry = nextForStep();
                if (entry == null) {
                    return;
                }
                removeIfExpired(cursorLimiter, entry.getKey(), entry.getValue(), now);
            }
        } finally {
            sweeping.unlock();
        }
    }

    /** The step sweep's next entry, going round limiter by limiter; {@code null} if the store is empty. */
    private Map.Entry<String, LimitState> nextForStep() {
        boolean restarted = false;
        while (cursor == null || !cursor.hasNext()) {
            if (limiterCursor == null || !limiterCursor.hasNext()) {
                if (restarted) {
                    return null;
                }
                limiterCursor = states.entrySet().iterator();
                restarted = true;
                continue;
            }
            Map.Entry<String, ConcurrentHashMap<String, LimitState>> limiter = limiterCursor.next();
            cursorLimiter = limiter.getKey();
            cursor = limiter.getValue().entrySet().iterator();
        }
        return cursor.next();
    }

    /** Removes the expired entries and answers the earliest expiry of those kept ({@code Long.MAX_VALUE} if none). */
    private long sweep(long now) {
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, ConcurrentHashMap<String, LimitState>> limiter : states.entrySet()) {
            for (Map.Entry<String, LimitState> entry : limiter.getValue().entrySet()) {
                if (!removeIfExpired(limiter.getKey(), entry.getKey(), entry.getValue(), now)) {
                    earliest = Math.min(earliest, entry.getValue().expiresAtMillis());
                }
            }
        }
        return earliest;
    }

    /** Whether {@code state} expired and was removed; a busy stripe is left for the next sweep. */
    private boolean removeIfExpired(String limiter, String partition, LimitState state, long now) {
        if (state.expiresAtMillis() > now) { // a first look without the lock, checked again under it
            return false;
        }
        ReentrantLock lock = locks.of(limiter, partition);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (get(limiter, partition) != state) {
                return false;
            }
            // Under the lock the locked path cannot move the expiry, but a lock-free call can (a fixed window that
            // moves on): frozen first, it cannot, and then the expiry read is the one that holds.
            if (state instanceof SharedLimitState shared) {
                // For good if removed: a lock-free call still holding it goes to the lock and finds it gone.
                shared.freeze();
                if (state.expiresAtMillis() > now) {
                    shared.thaw();
                    return false;
                }
            } else if (state.expiresAtMillis() > now) {
                return false;
            }
            if (states.get(limiter).remove(partition, state)) {
                entries.decrement();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
