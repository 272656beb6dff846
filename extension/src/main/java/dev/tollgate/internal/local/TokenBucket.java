package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.InstantSource;

/**
 * TOKEN_BUCKET: tokens (a real number) as of the last refill, kept together as one immutable {@link Level} that a
 * call replaces by compare-and-set. Refills are computed when read, never stored by a refused call.
 *
 * <p>The double arithmetic is written in the same order as the Redis script's ({@code elapsed * L / W} and
 * {@code (C - tokens) * W / L}, each left to right), so both round alike and give the same whole numbers after
 * {@code floor} and {@code ceil}. Every long involved is at most 2^53 in magnitude, hence exact as a double.
 */
final class TokenBucket extends SharedLimitState {

    private static final VarHandle LEVEL;

    static {
        try {
            LEVEL = MethodHandles.lookup().findVarHandle(TokenBucket.class, "level", Level.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private record Level(double tokens, long lastRefill) {
    }

    /** What {@link #level} is while a multi-limit call holds the bucket; the level is then in {@link #held}. */
    private static final Level FROZEN_LEVEL = new Level(Double.NaN, Long.MIN_VALUE);

    private volatile Level level;
    /** The level while frozen; read and written only under the stripe lock. */
    private Level held;
    private volatile long keepUntil;

    /** A bucket as if missing: full. */
    TokenBucket(LimitPolicy policy, long now) {
        this.level = new Level(policy.capacity(), now);
    }

    @Override
    Algorithm algorithm() {
        return Algorithm.TOKEN_BUCKET;
    }

    @Override
    LimitOutcome tryAcquire(LimitPolicy policy, long cost, InstantSource clock) {
        while (true) {
            Level before = level;
            if (before == FROZEN_LEVEL) {
                return null;
            }
            long now = clock.millis();
            if (saturatedAdd(now, reach(policy)) > keepUntil) {
                return null;
            }
            double available = tokensAt(before, policy, now);
            if (available < cost) {
                return describe(policy, cost, now, available);
            }
            Level after = new Level(available - cost, now);
            if (LEVEL.compareAndSet(this, before, after)) {
                return taken(policy, after.tokens());
            }
            // Another call changed the level meanwhile: let it (or another thread) run before trying again (see
            // SharedLimitState#afterLostRace).
            afterLostRace();
        }
    }

    /** Keeps the bucket for two reaches from now once less than one is left, so a store serves a reach of calls. */
    @Override
    void keepFrom(LimitPolicy policy, long now) {
        long reach = reach(policy);
        if (saturatedAdd(now, reach) <= keepUntil) {
            return;
        }
        keepUntil = saturatedAdd(now, saturatedAdd(reach, reach));
    }

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return tokensAt(current(), policy, now) >= cost;
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        Level after = new Level(tokensAt(current(), policy, now) - cost, now);
        if (level == FROZEN_LEVEL) {
            held = after;
        } else {
            level = after;
        }
        keepFrom(policy, now);
        return taken(policy, after.tokens());
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        return describe(policy, cost, now, tokensAt(current(), policy, now));
    }

    /**
     * Until when the store keeps the bucket: at or after the moment it is full again ({@link #keepFrom}), after which a
     * missing bucket gives the same answers.
     */
    @Override
    public long expiresAtMillis() {
        return keepUntil;
    }

    @Override
    void freeze() {
        held = (Level) LEVEL.getAndSet(this, FROZEN_LEVEL);
    }

    @Override
    void thaw() {
        level = held;
        held = null;
    }

    private Level current() {
        Level current = level;
        return current == FROZEN_LEVEL ? held : current;
    }

    private static LimitOutcome taken(LimitPolicy policy, double tokens) {
        return new LimitOutcome(true, policy.capacity(), (long) Math.floor(tokens),
                millisToRefill(policy, policy.capacity() - tokens), 0, millisToNextToken(policy, tokens));
    }

    private static LimitOutcome describe(LimitPolicy policy, long cost, long now, double available) {
        boolean permitted = available >= cost;
        return new LimitOutcome(permitted, policy.capacity(), (long) Math.floor(available),
                millisToRefill(policy, policy.capacity() - available),
                permitted ? 0 : millisToRefill(policy, cost - available), millisToNextToken(policy, available));
    }

    private static double tokensAt(Level level, LimitPolicy policy, long now) {
        // A clock that stepped back refills nothing rather than taking tokens away, as in the Redis script.
        long elapsed = Math.max(0, now - level.lastRefill());
        return Math.min(policy.capacity(), level.tokens() + (double) elapsed * policy.limit() / policy.windowMillis());
    }

    /** The longest a call can leave the bucket short of full: the refill of all its capacity. */
    private static long reach(LimitPolicy policy) {
        return millisToRefill(policy, policy.capacity());
    }

    /**
     * {@code ceil(missing * W / L)}. For absurd policies (a huge burst refilled once a year) this exceeds a long;
     * the cast then saturates at {@code Long.MAX_VALUE}, which still reads as "practically never".
     */
    private static long millisToRefill(LimitPolicy policy, double missing) {
        return (long) Math.ceil(missing * policy.windowMillis() / policy.limit());
    }

    /**
     * {@code ceil((floor(tokens) + 1 - tokens) * W / L)}: until the next whole token, when {@code remaining} grows. A
     * full bucket refills nothing, but a token taken now is back after that long (one token's refill time), which is
     * what the same formula gives for {@code tokens = C}.
     */
    private static long millisToNextToken(LimitPolicy policy, double tokens) {
        return millisToRefill(policy, Math.floor(tokens) + 1 - tokens);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
