package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

/**
 * GCRA: the theoretical arrival time (TAT) of the partition's next permit, the one number the algorithm keeps.
 *
 * <p>Time is counted in units of {@code 1/L} ms, so that the emission interval {@code T = W/L} ms is exactly
 * {@code W} units and every quantity is a whole number, and modulo {@link #RANGE} = 2<sup>52</sup> units, as in
 * {@code rate_limit.lua} (where numbers are doubles, exact up to 2<sup>53</sup>): the TAT is stored as
 * {@code TAT × L mod RANGE} and read back relative to now. While a state exists it is at most its tolerance
 * ({@code C × W <= 2^50} units, see {@link LimitPolicy#MAX_GCRA_TOLERANCE}) ahead of now, so a difference of half the
 * range or more is a TAT in the past: the partition is at rest.
 */
final class TheoreticalArrivalTime implements LimitState {

    /** The range the TAT is kept in, in units of {@code 1/L} ms: 2^52. */
    static final long RANGE = 1L << 52;

    /** {@code TAT × L mod RANGE}; meaningful only once consumed (a fresh state is at rest). */
    private long tat;
    private boolean stored;
    private long restAt;

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return debt(policy, now) + cost * policy.windowMillis() <= tolerance(policy);
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        long debt = debt(policy, now) + cost * policy.windowMillis();
        tat = (nowUnits(policy, now) + debt) & (RANGE - 1);
        stored = true;
        long reset = ceilDiv(debt, policy.limit());
        restAt = now + reset;
        return new LimitOutcome(true, policy.capacity(), remaining(policy, debt), reset, 0, next(policy, debt));
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long debt = debt(policy, now);
        long over = debt + cost * policy.windowMillis() - tolerance(policy);
        boolean permitted = over <= 0;
        return new LimitOutcome(permitted, policy.capacity(), remaining(policy, debt),
                ceilDiv(debt, policy.limit()), permitted ? 0 : ceilDiv(over, policy.limit()), next(policy, debt));
    }

    /** When the partition is back at rest: the TAT, rounded up to a millisecond. */
    @Override
    public long expiresAtMillis() {
        return restAt;
    }

    /**
     * {@code max(TAT, now) - now} in units: how far ahead of now the TAT is, 0 at rest; never more than the tolerance
     * (a TAT further ahead can only come from a policy changed by a redeployment, or a clock that stepped back).
     */
    private long debt(LimitPolicy policy, long now) {
        if (!stored) {
            return 0;
        }
        long ahead = (tat - nowUnits(policy, now)) & (RANGE - 1);
        return ahead >= RANGE / 2 ? 0 : Math.min(ahead, tolerance(policy));
    }

    /** {@code now × L mod RANGE}: a long product wraps modulo 2^64, which keeps it exact modulo 2^52. */
    private static long nowUnits(LimitPolicy policy, long now) {
        return (now * policy.limit()) & (RANGE - 1);
    }

    /** {@code τ = C × T}, i.e. {@code C × W} units. */
    private static long tolerance(LimitPolicy policy) {
        return policy.capacity() * policy.windowMillis();
    }

    /** Whole emission intervals left within the tolerance: {@code floor((τ - debt) / T)}. */
    private static long remaining(LimitPolicy policy, long debt) {
        return Math.max(0, tolerance(policy) - debt) / policy.windowMillis();
    }

    /**
     * Milliseconds until {@code remaining} grows: until the room {@code τ - debt} reaches the next whole emission
     * interval, {@code ceil(((remaining + 1) × T - (τ - debt)) / L)} with times in units. At rest this is one emission
     * interval: how long a permit taken now takes to come back.
     */
    private static long next(LimitPolicy policy, long debt) {
        long room = Math.max(0, tolerance(policy) - debt);
        long gap = (remaining(policy, debt) + 1) * policy.windowMillis() - room;
        return ceilDiv(gap, policy.limit());
    }

    /** {@code ceil(a / b)} for {@code a >= 0}, {@code b > 0}. */
    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
