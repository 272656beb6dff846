package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.LimitOutcome;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one instance holds of a limit's permits after a lease: the unspent permits, spent by callers without a lock,
 * until the lease expires; and what Redis said when it granted them (or refused), which the outcomes report.
 *
 * <p>Times are this JVM's {@link System#nanoTime()}, counted from when the lease was <em>sent</em>: Redis decided
 * after that, so a lease never outlives what Redis granted (a fixed window's end), whatever the round trip took.
 *
 * <p>A grant is retired by taking all its permits at once ({@link #drain()}): a caller that read it just before and
 * tries to spend from it finds nothing and moves on to its successor, so every permit is spent or drained exactly once.
 * A retired grant also refuses permits put back ({@link #putBack}): they would never be spent or given back there.
 */
final class LeaseGrant {

    /** What {@link #permits} holds once the grant is retired: below any count, so nothing is taken or put back. */
    private static final long RETIRED = Long.MIN_VALUE / 2;

    private final AtomicLong permits;
    /** Permits when granted (leased plus carried over): a refill is started ahead once fewer than a quarter remain. */
    private final long size;
    private final long expiresNanos;
    /** A fixed window's number (what a give-back names), 0 for a token bucket. */
    private final long window;
    /** What Redis had left right after the lease. */
    private final long redisRemaining;
    private final long resetAtNanos;
    private final long nextAtNanos;
    /** Whether Redis refused the last lease: until {@link #dryUntilNanos}, calls of at least {@link #dryCost} fail. */
    private final boolean dry;
    private final long dryCost;
    private final long dryUntilNanos;

    LeaseGrant(long permits, long expiresNanos, long window, long sentNanos, LeaseScript.Reply reply, long cost) {
        this.permits = new AtomicLong(permits);
        this.size = permits;
        this.expiresNanos = expiresNanos;
        this.window = window;
        this.redisRemaining = reply.remaining();
        this.resetAtNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(reply.resetMillis());
        this.nextAtNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(reply.nextMillis());
        this.dry = reply.granted() == 0;
        this.dryCost = cost;
        this.dryUntilNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(reply.retryAfterMillis());
    }

    /**
     * Takes {@code cost} permits if this grant is live and holds them.
     *
     * @return the permits left after taking, or -1 if none were taken
     */
    long take(long cost, long nowNanos) {
        if (nowNanos - expiresNanos >= 0) {
            return -1;
        }
        while (true) {
            long held = permits.get();
            if (held < cost) {
                return -1;
            }
            if (permits.compareAndSet(held, held - cost)) {
                return held - cost;
            }
        }
    }

    /**
     * Puts back permits taken from this grant by a call that another limit refused, unless the grant was retired
     * meanwhile (a refill moved its permits on, or the lease was closed).
     *
     * @return whether the permits are back in this grant
     */
    boolean putBack(long cost) {
        while (true) {
            long held = permits.get();
            if (held < 0) {
                return false;
            }
            if (permits.compareAndSet(held, held + cost)) {
                return true;
            }
        }
    }

    /** Takes every unspent permit and retires this grant: its permits move to a successor or back to Redis. */
    long drain() {
        return Math.max(0, permits.getAndSet(RETIRED));
    }

    long unspent(long nowNanos) {
        return live(nowNanos) ? Math.max(0, permits.get()) : 0;
    }

    boolean live(long nowNanos) {
        return nowNanos - expiresNanos < 0;
    }

    /** Whether a refill is due ahead of need: fewer than a quarter left, and Redis did not say it had nothing. */
    boolean low(long left) {
        return !dry && left < (size + 3) / 4;
    }

    /** Whether a call of {@code cost} is refused without asking Redis: Redis had less than that left, and still has. */
    boolean refuses(long cost, long nowNanos) {
        return dry && cost >= dryCost && nowNanos - dryUntilNanos < 0;
    }

    long window() {
        return window;
    }

    long expiresNanos() {
        return expiresNanos;
    }

    /** A permitting outcome, {@code left} permits unspent here after the call. */
    LimitOutcome permitted(long capacity, long left, long nowNanos) {
        return new LimitOutcome(true, capacity, left + redisRemaining, millisUntil(resetAtNanos, nowNanos, 0), 0,
                millisUntil(nextAtNanos, nowNanos, 1));
    }

    /** A refusing outcome: nothing here, and Redis had too little at the last lease. */
    LimitOutcome refused(long capacity, long nowNanos) {
        long retry = millisUntil(dryUntilNanos, nowNanos, 1);
        return new LimitOutcome(false, capacity, unspent(nowNanos) + redisRemaining,
                millisUntil(resetAtNanos, nowNanos, 0), retry, Math.min(retry, millisUntil(nextAtNanos, nowNanos, 1)));
    }

    /** Whole milliseconds from now until {@code atNanos}, rounded up, at least {@code least}. */
    private static long millisUntil(long atNanos, long nowNanos, long least) {
        long nanos = atNanos - nowNanos;
        return Math.max(least, (nanos + 999_999) / 1_000_000);
    }
}
