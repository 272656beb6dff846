package dev.tollgate.internal.local;

import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory backend's states by (limiter, partition), kept until their state says it stopped mattering
 * ({@link LimitState#expiresAtMillis()}), and at most {@code maximumSize} of them: one concurrent map by partition,
 * whose value is the chain of that partition's states, one per limiter that keeps one, linked through the states
 * themselves ({@link LimitState#next()}). A lookup is one map lookup and a walk along a chain as long as the number of
 * limiters counting that partition (usually one; a user's partition counted by several endpoints' limits, several),
 * comparing limiters by reference first. It builds no key object per call, and a stored state costs no such object
 * either, nor a link: its limiter and the next state are two references in the state (8 bytes). One lookup instead
 * of two (a map of limiters, then each limiter's map of partitions, as before): the second lookup cost a fifth of a
 * decision on a hot key ({@code docs/benchmarks.md}). The price is the walk: a partition that {@code n} limiters count
 * (a principal's, on {@code n} endpoints limited per principal) is found after up to {@code n} states, each compared by
 * reference and then by equality; new states go first, so the limiters that a partition's calls met first are last.
 *
 * <h2>Why not Caffeine</h2>
 * The idempotency store keeps its records in Caffeine; this store did too. Caffeine knows an entry's expiry only from a
 * write, so a state whose expiry moves (every fixed window at each window's end, every bucket once per refill) had to
 * be written again, a write that goes through Caffeine's write buffer and its maintenance on the calling threads; and
 * each entry costs a Caffeine node besides the map's. Here a state's expiry is read from the state when it is swept,
 * so moving it costs nothing, an entry is written only when it is created or replaced, and a stored state takes about
 * 160 bytes instead of 210 ({@code PartitionFloodTest}). On the benchmark machine the decision rate did not tell the
 * two apart beyond its noise ({@code docs/benchmarks.md}). Expiry is lazy: a state that stopped mattering may stay in
 * the map for a while, which changes no answer, because such a state answers exactly as a missing one would (each
 * state ages by the time it is given: a window ends, a log is pruned, a bucket refills, leases end).
 *
 * <h2>Sweeping</h2>
 * A state is removed only under its stripe's lock ({@link StripedLocks}), which the backend holds wherever it changes
 * a state that is not a {@link SharedLimitState}, and only once its expiry has passed: a {@link SharedLimitState} is
 * frozen first, then its expiry read (a lock-free call may have moved it: a fixed window moving on), and it stays
 * frozen if removed, so a lock-free call still holding it goes to the lock, where it finds the entry gone. The sweeper
 * only ever tries locks, so it cannot deadlock with a caller holding a stripe; an entry whose stripe is busy is in use
 * and waits for the next sweep. Sweeps run on the calling threads (this store starts no threads, which a Jakarta EE
 * server would not manage):
 * <ul>
 *     <li>each creation of a state looks at the states of the next {@value #SWEEP_STEP} partitions of a cursor
 *     that goes round the map, so expired entries do not pile up while partitions keep coming;</li>
 *     <li>a store found full is swept whole before a new partition is refused its own state ({@link #isFull}), but
 *     only once the earliest expiry it knows of has passed, and never more often than every twenty times the last
 *     whole sweep took, so that a flood against a full store spends at most a twentieth of a core sweeping.</li>
 * </ul>
 */
final class LimitStates {

    /** Partitions (each with its chain) looked at per created state: more than one, so the sweep outruns creations. */
    static final int SWEEP_STEP = 2;

    /**
     * Each partition's chain of states, one per limiter. The map's node holds the partition string the caller passed,
     * which its equality check compares by reference first.
     */
    private final ConcurrentHashMap<String, LimitState> states = new ConcurrentHashMap<>();
    /** States in all the chains. */
    private final LongAdder entries = new LongAdder();
    private final StripedLocks locks;
    private final InstantSource clock;
    private final long maximumSize;

    private final ReentrantLock sweeping = new ReentrantLock();
    /** Where the step sweep goes on; only under {@link #sweeping}. */
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
        LimitState state = states.get(partition);
        while (state != null && !state.isOf(limiter)) {
            state = state.next();
        }
        return state;
    }

    /**
     * Stores {@code state} for {@code key}, under {@code key}'s stripe lock: a new state, or one replacing another (a
     * fixed window's new counter after the clock went back, a state of another algorithm). Creating an entry sweeps a
     * step.
     */
    void put(LimitKey key, LimitState state) {
        String limiter = key.limiter();
        state.storedAs(limiter);
        boolean[] created = new boolean[1];
        states.compute(key.partition(), (partition, head) -> {
            LimitState previous = null;
            LimitState before = head;
            while (before != null && !before.isOf(limiter)) {
                previous = before;
                before = before.next();
            }
            if (before == state) {
                return head;
            }
            // Linked before it is published (by the map, or by the link to it): a lookup finds it whole.
            if (before == null) {
                created[0] = true;
                state.next(head);
                return state;
            }
            state.next(before.next());
            if (previous == null) {
                return state;
            }
            previous.next(state);
            return head;
        });
        if (created[0]) {
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
        LimitState state = get(key);
        if (state != null) {
            unlink(key.partition(), state);
        }
    }

    /** Takes {@code state} out of {@code partition}'s chain, if it is there. */
    private void unlink(String partition, LimitState state) {
        boolean[] removed = new boolean[1];
        states.computeIfPresent(partition, (p, head) -> {
            if (head == state) {
                removed[0] = true;
                return state.next(); // null when it was the only one: the partition's entry goes
            }
            for (LimitState previous = head; previous.next() != null; previous = previous.next()) {
                if (previous.next() == state) {
                    removed[0] = true;
                    previous.next(state.next());
                    break;
                }
            }
            return head;
        });
        if (removed[0]) {
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
                if (cursor == null || !cursor.hasNext()) {
                    cursor = states.entrySet().iterator();
                    if (!cursor.hasNext()) {
                        return;
                    }
                }
                Map.Entry<String, LimitState> partition = cursor.next();
                for (LimitState state = partition.getValue(); state != null; state = state.next()) {
                    removeIfExpired(partition.getKey(), state, now);
                }
            }
        } finally {
            sweeping.unlock();
        }
    }

    /** Removes the expired entries and answers the earliest expiry of those kept ({@code Long.MAX_VALUE} if none). */
    private long sweep(long now) {
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, LimitState> partition : states.entrySet()) {
            for (LimitState state = partition.getValue(); state != null; state = state.next()) {
                if (!removeIfExpired(partition.getKey(), state, now)) {
                    earliest = Math.min(earliest, state.expiresAtMillis());
                }
            }
        }
        return earliest;
    }

    /** Whether {@code state} expired and was removed; a busy stripe is left for the next sweep. */
    private boolean removeIfExpired(String partition, LimitState state, long now) {
        if (state.expiresAtMillis() > now) { // a first look without the lock, checked again under it
            return false;
        }
        String limiter = state.limiter();
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
            unlink(partition, state);
            return true;
        } finally {
            lock.unlock();
        }
    }
}
