package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

/**
 * TOKEN_BUCKET: tokens (a real number) as of the last refill. Refills are computed when read, never stored by a
 * refused call.
 *
 * <p>The double arithmetic is written in the same order as the Redis script's ({@code elapsed * L / W} and
 * {@code (C - tokens) * W / L}, each left to right), so both round alike and give the same whole numbers after
 * {@code floor} and {@code ceil}. Every long involved is at most 2^53 in magnitude, hence exact as a double.
 */
final class TokenBucket implements LimitState {

    private double tokens;
    private long lastRefill;
    private long fullAt;

    /** A bucket as if missing: full. */
    TokenBucket(LimitPolicy policy, long now) {
        this.tokens = policy.capacity();
        this.lastRefill = now;
    }

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return tokensAt(policy, now) >= cost;
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        tokens = tokensAt(policy, now) - cost;
        lastRefill = now;
        long reset = millisToRefill(policy, policy.capacity() - tokens);
        fullAt = saturatedAdd(now, reset);
        return new LimitOutcome(true, policy.capacity(), (long) Math.floor(tokens), reset, 0,
                millisToNextToken(policy, tokens));
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        double available = tokensAt(policy, now);
        boolean permitted = available >= cost;
        return new LimitOutcome(permitted, policy.capacity(), (long) Math.floor(available),
                millisToRefill(policy, policy.capacity() - available),
                permitted ? 0 : millisToRefill(policy, cost - available), millisToNextToken(policy, available));
    }

    @Override
    public long expiresAtMillis() {
        return fullAt;
    }

    private double tokensAt(LimitPolicy policy, long now) {
        // A clock that stepped back refills nothing rather than taking tokens away, as in the Redis script.
        long elapsed = Math.max(0, now - lastRefill);
        return Math.min(policy.capacity(), tokens + (double) elapsed * policy.limit() / policy.windowMillis());
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
