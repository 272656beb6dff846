package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.InstantSource;

/**
 * FIXED_WINDOW: the permits taken in the current epoch-aligned window, and which window that is, together in one long
 * that a call replaces by compare-and-set. The first call of a later window moves the counter to that window in the
 * same compare-and-set that takes its permits, so a partition keeps one counter for as long as it is used: no lock, no
 * new object and no store at a window's end (the store still sees the counter's expiry move: it reads it from the
 * counter, see {@link LimitStates}). A count of another window counts as 0 in the current one.
 *
 * <p>The window is kept as its number since the first window this counter counted ({@link #base}), in the bits above
 * the count, so that a window's start is {@code base + number × width} without a division; a division is made only
 * when the window moves on. A counter counts at most {@link #MAX_WINDOW} windows after its first (48 days of one-second
 * windows, 70 minutes of one-millisecond ones); after that, and for a window before the one it holds (a clock that
 * went back) or a policy whose window changed, the call goes to the lock, which replaces it by a new counter.
 */
final class FixedWindowCounter extends SharedLimitState {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FixedWindowCounter.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Bits of the count: it never exceeds a limit, at most {@link LimitPolicy#MAX_PERMITS} = 2^40. */
    private static final int COUNT_BITS = 41;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** The last window number that fits between the count and the {@link #FROZEN} bit. */
    static final long MAX_WINDOW = (1L << (63 - COUNT_BITS)) - 1;

    /** Start (epoch ms) of window number 0: the window this counter was made for. */
    private final long base;
    /** The window's length, as the policy said when this counter was made. */
    private final long width;
    /** {@link #FROZEN} while a multi-limit call holds it, the window number, and the permits taken in that window. */
    private volatile long state;

    private FixedWindowCounter(long base, long width) {
        this.base = base;
        this.width = width;
    }

    /** An empty counter of {@code now}'s window: as if missing. */
    static FixedWindowCounter windowOf(LimitPolicy policy, long now) {
        return new FixedWindowCounter(windowStart(policy, now), policy.windowMillis());
    }

    /** This counter if it can count {@code now}'s window (it may hold an earlier one), else an empty one for it. */
    FixedWindowCounter inWindowOf(LimitPolicy policy, long now) {
        return windowNumber(policy, now) >= 0 ? this : windowOf(policy, now);
    }

    @Override
    Algorithm algorithm() {
        return Algorithm.FIXED_WINDOW;
    }

    @Override
    LimitOutcome tryAcquire(LimitPolicy policy, long cost, InstantSource clock) {
        // Read before the state: its compare-and-set then follows its read at once, with nothing between them to
        // wait for. A call whose time is older than the window the state moved to meanwhile goes to the lock, which
        // reads the clock again.
        return tryAcquire(policy, cost, clock.millis());
    }

    /**
     * {@link #tryAcquire(LimitPolicy, long, InstantSource)} at {@code now}, a time read before anything of this
     * counter was (its lookup included): see {@link InMemoryRateLimitBackend}.
     */
    LimitOutcome tryAcquire(LimitPolicy policy, long cost, long now) {
        if (policy.windowMillis() != width) {
            return null;
        }
        while (true) {
            long current = state;
            if (current < 0) {
                return null; // frozen
            }
            long held = current >>> COUNT_BITS;
            long window = windowAt(held, now);
            if (window < 0) {
                return null;
            }
            // In a later window the count starts again from 0, and the compare-and-set moves the counter there.
            long count = window == held ? current & COUNT_MASK : 0;
            long start = base + window * width;
            if (count + cost > policy.limit()) {
                return describe(policy, cost, now, start, count);
            }
            if (STATE.compareAndSet(this, current, window << COUNT_BITS | (count + cost))) {
                return taken(policy, count + cost, now, start + width);
            }
            // Another call took permits meanwhile: let it (or another thread) run before trying again (see
            // SharedLimitState#afterLostRace).
            afterLostRace();
        }
    }

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return countIn(windowNumber(policy, now)) + cost <= policy.limit();
    }

    /** Only on a counter that can count {@code now}'s window ({@link #inWindowOf}), frozen or not stored yet. */
    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        long window = windowNumber(policy, now);
        long count = countIn(window) + cost;
        state = (state & FROZEN) | window << COUNT_BITS | count;
        return taken(policy, count, now, base + (window + 1) * width);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long window = windowNumber(policy, now);
        return describe(policy, cost, now, windowStart(policy, now), countIn(window));
    }

    private static LimitOutcome taken(LimitPolicy policy, long count, long now, long windowEnd) {
        return new LimitOutcome(true, policy.capacity(), policy.limit() - count, windowEnd - now, 0, windowEnd - now);
    }

    private static LimitOutcome describe(LimitPolicy policy, long cost, long now, long start, long count) {
        boolean permitted = count + cost <= policy.limit();
        // An empty window is full already; otherwise it is full again when the window ends. Either way the window's
        // end is when more quota comes: all of it, or (when full) any permit taken now.
        long end = start + policy.windowMillis() - now;
        long reset = count == 0 ? 0 : end;
        return new LimitOutcome(permitted, policy.capacity(), policy.limit() - count, reset, permitted ? 0 : reset,
                end);
    }

    /**
     * The end of the window it counts: its count never matters after that. A lock-free call that moves it to a later
     * window moves this too, which is why the store freezes a counter before it decides that it expired.
     */
    @Override
    public long expiresAtMillis() {
        return base + (((state & ~FROZEN) >>> COUNT_BITS) + 1) * width;
    }

    @Override
    void freeze() {
        STATE.getAndBitwiseOr(this, FROZEN);
    }

    @Override
    void thaw() {
        state &= ~FROZEN;
    }

    /**
     * The number of {@code now}'s window, if this counter can count it: the window of {@code policy} (which may have
     * changed), not before the window it holds, and a number that fits; else -1.
     */
    private long windowNumber(LimitPolicy policy, long now) {
        return policy.windowMillis() == width ? windowAt((state & ~FROZEN) >>> COUNT_BITS, now) : -1;
    }

    /**
     * The number of {@code now}'s window when this counter holds window {@code held}: {@code held} itself without a
     * division, a later one if its number fits, else (an earlier window, or too late) -1.
     */
    private long windowAt(long held, long now) {
        long start = base + held * width;
        if (now < start) {
            return -1;
        }
        if (now - start < width) {
            return held;
        }
        long window = (now - base) / width;
        return window <= MAX_WINDOW ? window : -1;
    }

    /** The permits taken in window {@code window}: the count if that is the window held, else 0. */
    private long countIn(long window) {
        long current = state & ~FROZEN;
        return window == current >>> COUNT_BITS ? current & COUNT_MASK : 0;
    }

    /**
     * {@code now - now % W}, with Lua's floored modulo so that this class and the Redis script agree even for
     * times before the epoch (for any {@code now >= 0} it is Java's {@code %}).
     */
    private static long windowStart(LimitPolicy policy, long now) {
        return now - Math.floorMod(now, policy.windowMillis());
    }
}
