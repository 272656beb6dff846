package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

/**
 * FIXED_WINDOW: the permits taken in one epoch-aligned window. A counter of another window counts as 0 in the
 * current one, so a stale counter needs no clean-up before it is read.
 */
final class FixedWindowCounter implements LimitState {

    /** No window yet: {@code Long.MIN_VALUE} is no window's start, so the count reads as 0 in every window. */
    private long windowStart = Long.MIN_VALUE;
    private long count;
    private long windowEnd;

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return countIn(windowStart(policy, now)) + cost <= policy.limit();
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        long start = windowStart(policy, now);
        if (start != windowStart) {
            windowStart = start;
            windowEnd = start + policy.windowMillis();
            count = 0;
        }
        count += cost;
        return new LimitOutcome(true, policy.capacity(), policy.limit() - count, windowEnd - now, 0, windowEnd - now);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long start = windowStart(policy, now);
        long current = countIn(start);
        boolean permitted = current + cost <= policy.limit();
        // An empty window is full already; otherwise it is full again when the window ends. Either way the window's
        // end is when more quota comes: all of it, or (when full) any permit taken now.
        long end = start + policy.windowMillis() - now;
        long reset = current == 0 ? 0 : end;
        return new LimitOutcome(permitted, policy.capacity(), policy.limit() - current, reset, permitted ? 0 : reset,
                end);
    }

    @Override
    public long expiresAtMillis() {
        return windowEnd;
    }

    private long countIn(long start) {
        return start == windowStart ? count : 0;
    }

    /**
     * {@code now - now % W}, with Lua's floored modulo so that this class and the Redis script agree even for
     * times before the epoch (for any {@code now >= 0} it is Java's {@code %}).
     */
    private static long windowStart(LimitPolicy policy, long now) {
        return now - Math.floorMod(now, policy.windowMillis());
    }
}
