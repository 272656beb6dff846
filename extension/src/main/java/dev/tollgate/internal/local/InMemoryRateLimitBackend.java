package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitDecision;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Rate-limit state in this JVM's memory. It is the backend when no Redis is configured; with Redis,
 * {@link dev.tollgate.internal.ratelimit.RateLimitFallback} decides on it, while Redis is unavailable, the limits
 * whose failure mode is {@code LOCAL} (scaled by {@code tollgate.ratelimit.local-share}). It answers exactly as the
 * Redis backend does for the same sequence of calls at the same times (the formulas are in
 * {@link dev.tollgate.internal.ratelimit}); only who shares the state differs: here, nobody outside this JVM.
 *
 * <h2>State</h2>
 * One mutable {@link LimitState} per (limiter, partition), of the class of its algorithm ({@link FixedWindowCounter},
 * {@link SlidingWindowLog}, {@link TokenBucket}, {@link TheoreticalArrivalTime}, {@link ConcurrencyPermits}), in a map
 * ({@link LimitStates}; why not Caffeine is said there). Each entry expires once it stops mattering ({@link
 * LimitState#expiresAtMillis()}): at the end of a fixed window, one window after a sliding log's newest entry, the end
 * of the last lease of a concurrency limit's permits (or as soon as the last one is given back); a token bucket or GCRA
 * some time after it is full again or at rest, at most two full refills (tolerances) after its last store, so that
 * calls decided without a lock need not store it ({@link SharedLimitState}). Up to the moment it stops mattering a
 * missing entry would answer differently; from then on it answers the same, so expiry never changes a decision, and the
 * store may sweep an expired entry whenever it likes after that moment (lazily: {@link LimitStates}).
 *
 * <h2>The bound, and partition floods</h2>
 * Partitions may come from callers (one per client address, per header value), so a caller rotating a value can create
 * as many as it sends calls, and the store must not exhaust the heap. It holds at most {@code maximumSize} states
 * ({@link LimitStates#isFull()}), but it never drops one before it expires: a state inside its window is what keeps its
 * partition refused, and a bound that evicted it (as Caffeine's size eviction would, least frequently used first) would
 * let a flood of other partitions, even of another limiter, give a partition that used up its limit a fresh one.
 * Instead, while the store is full, a partition that has no state yet is decided on its limiter's <em>overflow
 * partition</em>: one state per limiter, shared by all partitions that arrived while the store was full, under the same
 * policy. So a flood degrades only the newcomers, towards refusing (they share one limit, as callers without a key
 * share the unknown partition), every partition that had a state keeps it until its window ends, and once enough states
 * have expired newcomers get their own again. The overflow states are not counted against the bound (there is one per
 * limiter, and limiters are fixed at deployment).
 *
 * <p>Memory: a stored state costs about 160 bytes of heap with its {@code header:} partition's string (a token
 * bucket 185), on a 64-bit JVM with compressed references, and a sliding log about 265 with one entry plus 16 bytes
 * (up to 32, as its buffers double) per further distinct millisecond in its window (measured by
 * {@code PartitionFloodTest}: used heap after full collections, before and after storing 100,000 states). So
 * {@link #DEFAULT_MAXIMUM_SIZE} states take about 16 MB, 26 MB of one-entry sliding logs, more of sliding logs
 * holding many milliseconds.
 *
 * <h2>Concurrency</h2>
 * A call of one limit whose state is stored and is a fixed window, a token bucket or GCRA takes no lock: it looks up
 * the state, reads the clock (a fixed window reads it first: its count is kept per window, so a time read earlier only
 * sends a call that meets a window moved on meanwhile to the lock), and takes its permits with one compare-and-set
 * ({@link SharedLimitState}), so threads on one hot partition do not queue behind each other. Any other call locks the {@link StripedLocks stripes} of all its keys
 * (in ascending order, so overlapping calls cannot deadlock), looks up its states, reads the clock, checks every limit,
 * consumes all or none, stores the states it created and unlocks. A multi-limit call freezes the lock-free states it
 * holds for that time, which sends lock-free calls on them to the lock, so it stays all or nothing. A map's per-key
 * {@code compute} cannot do this: it holds one key at a time, and its map's bin locks must not be nested. Calls on keys
 * in different stripes do not wait for each other. Under the locks the clock is read after the lookup, and a lock-free
 * token bucket or GCRA reads it after the state it replaces, so that calls on one key see non-decreasing times in the
 * order they take effect.
 *
 * <h2>Clock</h2>
 * Epoch milliseconds from an {@link InstantSource} (by default the system clock), so that a test's manual clock
 * drives the formulas and expiry alike. A decision reads it once, after its lookup (which reads no clock: expiry is
 * checked by the state itself, not by the map). Sweeps run on the calling threads: this backend starts no threads,
 * which a Jakarta EE server would not manage.
 */
public final class InMemoryRateLimitBackend implements RateLimitBackend {

    /** Default bound on stored states: about 160 bytes each (a sliding log 265 and more), so 16 MB or more. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    /**
     * The partition of a limiter on which newcomers are decided while the store is full. No partition key source
     * yields it: they yield {@code ""}, {@code "?"} and {@code <source>:<hash>}.
     */
    static final String OVERFLOW_PARTITION = "\u0000overflow";

    /** Enough stripes that unrelated keys rarely share one, few enough to cost nothing (a few KB). */
    static final int LOCK_STRIPES = 256;

    private final InstantSource clock;
    private final StripedLocks locks = new StripedLocks(LOCK_STRIPES);
    private final LimitStates states;

    /** The system clock and {@link #DEFAULT_MAXIMUM_SIZE}. */
    public InMemoryRateLimitBackend() {
        this(InstantSource.system(), DEFAULT_MAXIMUM_SIZE);
    }

    /** The system clock and at most {@code maximumSize} stored states ({@code > 0}). */
    public InMemoryRateLimitBackend(long maximumSize) {
        this(InstantSource.system(), maximumSize);
    }

    /**
     * @param clock       the time of every decision and of expiry
     * @param maximumSize most (limiter, partition) states kept, {@code > 0}; beyond it, new partitions share their
     *                    limiter's overflow partition
     */
    public InMemoryRateLimitBackend(InstantSource clock, long maximumSize) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.states = new LimitStates(locks, clock, maximumSize);
    }

    @Override
    public RateLimitDecision acquire(List<LimitRequest> limits) {
        LimitRequest.requireHolders(limits);
        return limits.size() == 1 ? acquireOne(limits.get(0)) : decide(limits, true);
    }

    /**
     * {@link #decide} for a call of one limit, the interceptor's common case, without its arrays. A stored fixed
     * window, token bucket or GCRA ({@link SharedLimitState}) is decided without a lock, by a compare-and-set on the
     * state; anything else, or a call that such a state sends back, locks one stripe.
     */
    private RateLimitDecision acquireOne(LimitRequest limit) {
        // The lookup builds no key object: one is built only for the lock.
        LimitPolicy policy = limit.policy();
        LimitState stored;
        LimitOutcome outcome = null;
        if (policy.algorithm() == Algorithm.FIXED_WINDOW) {
            // The clock first, then the state, its lookup included: on a hot partition the counter's cache line is
            // written by every call, and a lookup that read it before the clock (30 ns here) would read it twice.
            long now = clock.millis();
            stored = states.get(limit.limiter(), limit.partition());
            if (stored instanceof FixedWindowCounter counter) {
                outcome = counter.tryAcquire(policy, limit.cost(), now);
            }
        } else {
            stored = states.get(limit.limiter(), limit.partition());
            if (stored instanceof SharedLimitState shared && shared.algorithm() == policy.algorithm()) {
                outcome = shared.tryAcquire(policy, limit.cost(), clock);
            }
        }
        return outcome != null ? outcome : acquireOneWithLock(limit, stored);
    }

    /**
     * {@link #acquireOne} under its stripe's lock. A method of its own, which the JIT does not inline into the lock-free
     * path (too large): that path then compiles to less code (3.2 KB instead of 3.9 KB), and decided 3 to 11 % more
     * calls a second on a hot key (three paired JMH invocations, {@code docs/benchmarks.md}).
     */
    private RateLimitDecision acquireOneWithLock(LimitRequest limit, LimitState stored) {
        String partition = limit.partition();
        if (stored == null && states.isFull()) {
            partition = OVERFLOW_PARTITION;
        }
        LimitKey key = new LimitKey(limit.limiter(), partition);
        ReentrantLock lock = locks.of(key);
        lock.lock();
        try {
            return acquireOneLocked(key, limit);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One limit under its stripe's lock: one lookup of the state, one decision object. The state is stored only when it
     * is new (or replaces another: a fixed window's new counter, see {@link FixedWindowCounter}); a stored state's
     * expiry may move without a store, since the store reads it from the state when it sweeps ({@link LimitStates}).
     * The state is looked up before the clock is read, so that a state swept as expired is not replaced by a fresh one
     * for an earlier time.
     */
    private RateLimitDecision acquireOneLocked(LimitKey key, LimitRequest limit) {
        LimitPolicy policy = limit.policy();
        LimitState stored = stored(key);
        while (true) {
            long now = clock.millis();
            LimitState state = stateOf(stored, policy, now);
            if (state instanceof SharedLimitState shared) {
                // Lock-free calls go on meanwhile, so this one takes its permits the same way. Null only if the clock
                // moved past what was prepared for now (beyond a bucket's kept time): then again.
                shared.keepFrom(policy, now);
                LimitOutcome outcome = shared.tryAcquire(policy, limit.cost(), clock);
                if (outcome == null) {
                    continue;
                }
                if (state != stored && outcome.permitted()) {
                    states.put(key, state);
                }
                return outcome;
            }
            if (!state.hasRoom(policy, limit.cost(), now)) {
                return state.describe(policy, limit.cost(), now);
            }
            LimitOutcome outcome = consume(state, limit, now);
            if (state != stored) {
                states.put(key, state);
            }
            return outcome;
        }
    }

    /**
     * The state stored for {@code key}, or {@code null}. Possibly a state that stopped mattering and is not swept yet:
     * it answers as a missing one would.
     */
    private LimitState stored(LimitKey key) {
        return states.get(key);
    }

    /**
     * Gives back each holder's permits, at once. A holder is looked for in its partition and then in its limiter's
     * overflow partition, where it took its permits if it came while the store was full.
     */
    @Override
    public CompletableFuture<Void> release(List<LimitRequest> held) {
        for (LimitRequest request : held) {
            withPermits(request, (key, permits, now) -> {
                if (!permits.release(request.holder())) {
                    return false;
                }
                if (permits.empty()) {
                    states.remove(key);
                }
                return true;
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean renew(List<LimitRequest> held) {
        boolean all = true;
        for (LimitRequest request : held) {
            all &= withPermits(request, (key, permits, now) -> {
                if (!permits.renew(request.holder(), request.policy().windowMillis(), now)) {
                    return false;
                }
                return true;
            });
        }
        return all;
    }

    private interface PermitsAction {
        boolean apply(LimitKey key, ConcurrencyPermits permits, long now);
    }

    /** Applies {@code action} to the permits of {@code request}'s partition, else its overflow partition's. */
    private boolean withPermits(LimitRequest request, PermitsAction action) {
        for (LimitKey key : new LimitKey[] {LimitKey.of(request),
                new LimitKey(request.limiter(), OVERFLOW_PARTITION)}) {
            int[] stripes = locks.stripesOf(new LimitKey[] {key});
            locks.lockAll(stripes);
            try {
                // Permits whose last lease ended count as gone, swept or not: as in Redis, where their key expired.
                long now = clock.millis();
                if (states.get(key) instanceof ConcurrencyPermits permits && permits.expiresAtMillis() > now
                        && action.apply(key, permits, now)) {
                    return true;
                }
            } finally {
                locks.unlockAll(stripes);
            }
        }
        return false;
    }

    @Override
    public RateLimitDecision peek(List<LimitRequest> limits) {
        return decide(limits, false);
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
        states.clear();
    }

    /** The number of stored states once expired and evicted ones are gone; for tests. */
    long storedStates() {
        states.sweepAll();
        return states.size();
    }

    /** How long the state of (limiter, partition) is kept from now; empty if none is stored. For tests. */
    Optional<Duration> timeToLive(String limiter, String partition) {
        LimitState state = states.get(new LimitKey(limiter, partition));
        long now = clock.millis();
        return state == null || state.expiresAtMillis() <= now
                ? Optional.empty() : Optional.of(Duration.ofMillis(state.expiresAtMillis() - now));
    }

    private RateLimitDecision decide(List<LimitRequest> limits, boolean consume) {
        LimitKey[] keys = withinBound(keysOf(limits));
        int[] stripes = locks.stripesOf(keys);
        locks.lockAll(stripes);
        try {
            LimitState[] stored = new LimitState[keys.length];
            for (int i = 0; i < keys.length; i++) {
                stored[i] = states.get(keys[i]);
                if (consume && stored[i] instanceof SharedLimitState shared) {
                    // Lock-free calls on it now wait for the stripe lock, which this call holds until it is done.
                    shared.freeze();
                }
            }
            try {
                // After the lookups (as in acquireOneLocked) and the freeze: no lock-free call took its permits at a
                // later time than this.
                long now = clock.millis();
                return consume ? acquireLocked(limits, keys, stored, now) : peekLocked(limits, stored, now);
            } finally {
                for (LimitState state : stored) {
                    if (consume && state instanceof SharedLimitState shared) {
                        shared.thaw();
                    }
                }
            }
        } finally {
            locks.unlockAll(stripes);
        }
    }

    /**
     * The stored states that are {@link SharedLimitState}s are frozen. A new state (or one replacing another) is
     * seen by others only once stored, with its permits already taken.
     */
    private RateLimitDecision acquireLocked(List<LimitRequest> limits, LimitKey[] keys, LimitState[] stored,
                                            long now) {
        LimitState[] current = new LimitState[keys.length];
        boolean permitted = true;
        for (int i = 0; i < keys.length; i++) {
            LimitRequest limit = limits.get(i);
            current[i] = stateOf(stored[i], limit.policy(), now);
            // No short circuit: every limit is checked (and its log pruned) even after one has refused.
            permitted &= current[i].hasRoom(limit.policy(), limit.cost(), now);
        }
        LimitOutcome[] outcomes = new LimitOutcome[keys.length];
        for (int i = 0; i < keys.length; i++) {
            LimitRequest limit = limits.get(i);
            if (permitted) {
                outcomes[i] = consume(current[i], limit, now);
                if (current[i] != stored[i]) {
                    states.put(keys[i], current[i]); // a new state, or one replacing another
                }
            } else {
                outcomes[i] = current[i].describe(limit.policy(), limit.cost(), now);
            }
        }
        return RateLimitDecision.of(permitted, Arrays.asList(outcomes));
    }

    /** Takes {@code limit}'s permits from {@code state}: a concurrency permit is taken by the call's holder. */
    private static LimitOutcome consume(LimitState state, LimitRequest limit, long now) {
        return state instanceof ConcurrencyPermits permits
                ? permits.take(limit, now) : state.consume(limit.policy(), limit.cost(), now);
    }

    private RateLimitDecision peekLocked(List<LimitRequest> limits, LimitState[] stored, long now) {
        LimitOutcome[] outcomes = new LimitOutcome[stored.length];
        boolean permitted = true;
        for (int i = 0; i < stored.length; i++) {
            LimitRequest limit = limits.get(i);
            outcomes[i] = stateOf(stored[i], limit.policy(), now).describe(limit.policy(), limit.cost(), now);
            permitted &= outcomes[i].permitted();
        }
        return RateLimitDecision.of(permitted, Arrays.asList(outcomes));
    }

    /**
     * The stored state of {@code key}, or a fresh one (empty window, full bucket, GCRA at rest) that is stored only if
     * the call consumes. A stored state of another algorithm (the limiter's policy changed, e.g. on redeployment) is
     * replaced the same way: counts of one algorithm mean nothing to another.
     */
    private static LimitState stateOf(LimitState stored, LimitPolicy policy, long now) {
        return switch (policy.algorithm()) {
            case FIXED_WINDOW -> stored instanceof FixedWindowCounter counter
                    ? counter.inWindowOf(policy, now) : FixedWindowCounter.windowOf(policy, now);
            case SLIDING_WINDOW -> stored instanceof SlidingWindowLog log ? log : new SlidingWindowLog();
            case TOKEN_BUCKET -> stored instanceof TokenBucket bucket ? bucket : new TokenBucket(policy, now);
            case GCRA -> stored instanceof TheoreticalArrivalTime tat ? tat : new TheoreticalArrivalTime();
            case CONCURRENCY -> stored instanceof ConcurrencyPermits permits ? permits : new ConcurrencyPermits();
        };
    }

    /**
     * {@code keys}, except that while the store is full, a partition without a stored state is replaced by its
     * limiter's overflow partition (peeks too, so that they answer what an acquire would). Decided before the locks
     * are taken, so a state that expires or is created meanwhile is counted on the other one: either way the call is
     * decided on a real state of its limiter. Should two limits of one call share a limiter (deployments refuse
     * that), the second keeps its own partition rather than be counted twice on the overflow one.
     */
    private LimitKey[] withinBound(LimitKey[] keys) {
        for (int i = 0; i < keys.length; i++) {
            if (states.get(keys[i]) == null && states.isFull()) {
                LimitKey overflow = new LimitKey(keys[i].limiter(), OVERFLOW_PARTITION);
                if (!Arrays.asList(keys).contains(overflow)) {
                    keys[i] = overflow;
                }
            }
        }
        return keys;
    }

    private static LimitKey[] keysOf(List<LimitRequest> limits) {
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("a call must have at least one limit");
        }
        LimitKey[] keys = new LimitKey[limits.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = LimitKey.of(limits.get(i));
            for (int j = 0; j < i; j++) {
                // Checked because a repeated key would be counted twice against one state it checked once.
                if (keys[j].equals(keys[i])) {
                    throw new IllegalArgumentException("limit " + keys[i] + " appears twice in one call");
                }
            }
        }
        return keys;
    }
}
