package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.InstantSource;

/**
 * FIXED_WINDOW: the permits taken in one epoch-aligned window. One object per window: a call in a later window gets a
 * new counter ({@link #inWindowOf}), so the count is the only thing that changes and one compare-and-set takes a
 * permit without a lock. A counter of another window counts as 0 in the current one.
 */
final class FixedWindowCounter extends SharedLimitState {

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(FixedWindowCounter.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long windowStart;
    private final long windowEnd;
    /** Permits taken in this window, with {@link #FROZEN} set while a multi-limit call holds it. */
    private volatile long count;

    private FixedWindowCounter(long windowStart, long windowEnd) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /** An empty counter of {@code now}'s window: as if missing. */
    static FixedWindowCounter windowOf(LimitPolicy policy, long now) {
        long start = windowStart(policy, now);
        return new FixedWindowCounter(start, start + policy.windowMillis());
    }

    /** This counter if it counts the window of {@code now}, else an empty one for that window. */
    FixedWindowCounter inWindowOf(LimitPolicy policy, long now) {
        return counts(policy, windowStart(policy, now)) ? this : windowOf(policy, now);
    }

    @Override
    Algorithm algorithm() {
        return Algorithm.FIXED_WINDOW;
    }

    @Override
    LimitOutcome tryAcquire(LimitPolicy policy, long cost, InstantSource clock) {
        // The window is fixed, so only the count is read in a loop; the time matters only to say which window. This
        // counter's window is aligned, so "now falls inside it" is "it counts now's window", without a division.
        long now = clock.millis();
        if (now < windowStart || now >= windowEnd || windowEnd - windowStart != policy.windowMillis()) {
            return null;
        }
        while (true) {
            long current = count;
            if (current < 0) {
                return null; // frozen
            }
            if (current + cost > policy.limit()) {
                return describe(policy, cost, now, windowStart, current);
            }
            if (COUNT.compareAndSet(this, current, current + cost)) {
                return taken(policy, current + cost, now);
            }
        }
    }

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return countIn(windowStart(policy, now)) + cost <= policy.limit();
    }

    /** Only on a counter of {@code now}'s window ({@link #inWindowOf}), frozen or not stored yet. */
    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        long current = (count & ~FROZEN) + cost;
        count = current | (count & FROZEN);
        return taken(policy, current, now);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long start = windowStart(policy, now);
        return describe(policy, cost, now, start, countIn(start));
    }

    private LimitOutcome taken(LimitPolicy policy, long current, long now) {
        return new LimitOutcome(true, policy.capacity(), policy.limit() - current, windowEnd - now, 0, windowEnd - now);
    }

    private static LimitOutcome describe(LimitPolicy policy, long cost, long now, long start, long current) {
        boolean permitted = current + cost <= policy.limit();
        // An empty window is full already; otherwise it is full again when the window ends. Either way the window's
        // end is when more quota comes: all of it, or (when full) any permit taken now.
        long end = start + policy.windowMillis() - now;
        long reset = current == 0 ? 0 : end;
        return new LimitOutcome(permitted, policy.capacity(), policy.limit() - current, reset, permitted ? 0 : reset,
                end);
    }

    /** The end of its window: its count never changes after that, so it is never needed again. */
    @Override
    public long expiresAtMillis() {
        return windowEnd;
    }

    @Override
    void freeze() {
        COUNT.getAndBitwiseOr(this, FROZEN);
    }

    @Override
    void thaw() {
        count &= ~FROZEN;
    }

    /** Whether this counter counts the window starting at {@code start} of {@code policy} (which may have changed). */
    private boolean counts(LimitPolicy policy, long start) {
        return start == windowStart && windowEnd - windowStart == policy.windowMillis();
    }

    private long countIn(long start) {
        return start == windowStart ? count & ~FROZEN : 0;
    }

    /**
     * {@code now - now % W}, with Lua's floored modulo so that this class and the Redis script agree even for
     * times before the epoch (for any {@code now >= 0} it is Java's {@code %}).
     */
    private static long windowStart(LimitPolicy policy, long now) {
        return now - Math.floorMod(now, policy.windowMillis());
    }
}
