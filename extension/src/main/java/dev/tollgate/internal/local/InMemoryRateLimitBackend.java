package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
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

/**
 * Rate-limit state in this JVM's memory. It is the backend when no Redis is configured; with Redis,
 * {@link dev.tollgate.internal.ratelimit.RateLimitFallback} decides on it, while Redis is unavailable, the limits
 * whose failure mode is {@code LOCAL} (scaled by {@code tollgate.ratelimit.local-share}). It answers exactly as the
 * Redis backend does for the same sequence of calls at the same times (the formulas are in
 * {@link dev.tollgate.internal.ratelimit}); only who shares the state differs: here, nobody outside this JVM.
 *
 * <h2>State</h2>
 * One mutable {@link LimitState} per (limiter, partition), of the class of its algorithm
 * ({@link FixedWindowCounter}, {@link SlidingWindowLog}, {@link TokenBucket}), in a Caffeine cache. Each entry
 * expires at the moment it stops mattering ({@link LimitState#expiresAtMillis()}): the end of a fixed window, one
 * window after a sliding log's newest entry, the moment a bucket is full again. Up to then a missing entry would answer
 * differently; from then on it answers the same, so expiry never changes a decision.
 *
 * <p>The cache is also bounded ({@code maximumSize} entries), because partitions may come from callers (one per
 * client address, say) and must not exhaust the heap. When more partitions are live than the bound allows,
 * Caffeine evicts some live entries before they expire, and such a partition starts over with a fresh limit on
 * its next call: it may be admitted more than its limit in that window. That is the accepted price of a bounded
 * local store; Caffeine's admission policy (W-TinyLFU) keeps the frequently used entries, so those evicted are
 * mostly one-off callers. Size the bound above the number of partitions that are active within one window.
 *
 * <h2>Concurrency</h2>
 * A call locks the {@link StripedLocks stripes} of all its keys (in ascending order, so overlapping calls cannot
 * deadlock), reads the clock, checks every limit, consumes all or none, stores the consumed states again (which
 * moves their expiry) and unlocks. Caffeine's own per-key {@code compute} cannot do this: it holds one key at a
 * time, and its map's bin locks must not be nested. Calls on keys in different stripes do not wait for each
 * other. The clock is read under the locks so that calls on one key see non-decreasing times.
 *
 * <h2>Clock</h2>
 * Epoch milliseconds from an {@link InstantSource} (by default the system clock), also used as Caffeine's ticker,
 * so expiry follows the same time as the formulas, including a test's manual clock. Caffeine runs its maintenance
 * (expiry and eviction) on the calling threads: this backend starts no threads, which a Jakarta EE server would
 * not manage.
 */
public final class InMemoryRateLimitBackend implements RateLimitBackend {

    /** Default bound on stored states: at a few hundred bytes each (a sliding log holds more), tens of MB. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    /** Enough stripes that unrelated keys rarely share one, few enough to cost nothing (a few KB). */
    static final int LOCK_STRIPES = 256;

    private final InstantSource clock;
    private final Cache<LimitKey, LimitState> states;
    private final StripedLocks locks = new StripedLocks(LOCK_STRIPES);

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
     * @param maximumSize most (limiter, partition) states kept, {@code > 0}
     */
    public InMemoryRateLimitBackend(InstantSource clock, long maximumSize) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.states = LocalCaches.bounded(clock, maximumSize, LimitState::expiresAtMillis);
    }

    @Override
    public RateLimitDecision acquire(List<LimitRequest> limits) {
        return decide(limits, true);
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
        states.invalidateAll();
        states.cleanUp();
    }

    /** The number of stored states once expired and evicted ones are gone; for tests. */
    long storedStates() {
        states.cleanUp();
        return states.estimatedSize();
    }

    /** How long the state of (limiter, partition) is kept from now; empty if none is stored. For tests. */
    Optional<Duration> timeToLive(String limiter, String partition) {
        return states.policy().expireVariably().orElseThrow().getExpiresAfter(new LimitKey(limiter, partition));
    }

    private RateLimitDecision decide(List<LimitRequest> limits, boolean consume) {
        LimitKey[] keys = keysOf(limits);
        int[] stripes = locks.stripesOf(keys);
        locks.lockAll(stripes);
        try {
            long now = clock.millis();
            return consume ? acquireLocked(limits, keys, now) : peekLocked(limits, keys, now);
        } finally {
            locks.unlockAll(stripes);
        }
    }

    private RateLimitDecision acquireLocked(List<LimitRequest> limits, LimitKey[] keys, long now) {
        LimitState[] current = new LimitState[keys.length];
        boolean permitted = true;
        for (int i = 0; i < keys.length; i++) {
            LimitRequest limit = limits.get(i);
            current[i] = stateOf(keys[i], limit.policy(), now);
            // No short circuit: every limit is checked (and its log pruned) even after one has refused.
            permitted &= current[i].hasRoom(limit.policy(), limit.cost(), now);
        }
        LimitOutcome[] outcomes = new LimitOutcome[keys.length];
        for (int i = 0; i < keys.length; i++) {
            LimitRequest limit = limits.get(i);
            if (permitted) {
                outcomes[i] = current[i].consume(limit.policy(), limit.cost(), now);
                // Stores a new state, and for a stored one moves its expiry to what consume just set.
                states.put(keys[i], current[i]);
            } else {
                outcomes[i] = current[i].describe(limit.policy(), limit.cost(), now);
            }
        }
        return new RateLimitDecision(permitted, Arrays.asList(outcomes));
    }

    private RateLimitDecision peekLocked(List<LimitRequest> limits, LimitKey[] keys, long now) {
        LimitOutcome[] outcomes = new LimitOutcome[keys.length];
        boolean permitted = true;
        for (int i = 0; i < keys.length; i++) {
            LimitRequest limit = limits.get(i);
            outcomes[i] = stateOf(keys[i], limit.policy(), now).describe(limit.policy(), limit.cost(), now);
            permitted &= outcomes[i].permitted();
        }
        return new RateLimitDecision(permitted, Arrays.asList(outcomes));
    }

    /**
     * The stored state of {@code key}, or a fresh one (empty window, full bucket) that is stored only if the call
     * consumes. A stored state of another algorithm (the limiter's policy changed, e.g. on redeployment) is
     * replaced the same way: counts of one algorithm mean nothing to another.
     */
    private LimitState stateOf(LimitKey key, LimitPolicy policy, long now) {
        LimitState stored = states.getIfPresent(key);
        return switch (policy.algorithm()) {
            case FIXED_WINDOW -> stored instanceof FixedWindowCounter counter ? counter : new FixedWindowCounter();
            case SLIDING_WINDOW -> stored instanceof SlidingWindowLog log ? log : new SlidingWindowLog();
            case TOKEN_BUCKET -> stored instanceof TokenBucket bucket ? bucket : new TokenBucket(policy, now);
        };
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
