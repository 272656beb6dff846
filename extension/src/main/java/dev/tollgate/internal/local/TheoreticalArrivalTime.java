package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.InstantSource;

/**
 * GCRA: the theoretical arrival time (TAT) of the partition's next permit, the one number the algorithm keeps, so a
 * call takes its permits with one compare-and-set of a long.
 *
 * <p>Time is counted in units of {@code 1/L} ms, so that the emission interval {@code T = W/L} ms is exactly
 * {@code W} units and every quantity is a whole number, and modulo {@link #RANGE} = 2<sup>52</sup> units, as in
 * {@code rate_limit.lua} (where numbers are doubles, exact up to 2<sup>53</sup>): the TAT is stored as
 * {@code TAT × L mod RANGE} and read back relative to now. While a state exists it is at most its tolerance
 * ({@code C × W <= 2^50} units, see {@link LimitPolicy#MAX_GCRA_TOLERANCE}) ahead of now, so a difference of half the
 * range or more is a TAT in the past: the partition is at rest.
 */
final class TheoreticalArrivalTime extends SharedLimitState {

    /** The range the TAT is kept in, in units of {@code 1/L} ms: 2^52. */
    static final long RANGE = 1L << 52;

    /** The bit of {@link #word} saying a TAT was stored: a fresh state is at rest. */
    private static final long STORED = 1L << 62;

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(TheoreticalArrivalTime.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code TAT × L mod RANGE} in the low 52 bits, with {@link #STORED} and {@link #FROZEN}. */
    private volatile long word;
    private volatile long keepUntil;

    @Override
    Algorithm algorithm() {
        return Algorithm.GCRA;
    }

    @Override
    LimitOutcome tryAcquire(LimitPolicy policy, long cost, InstantSource clock) {
        while (true) {
            long before = word;
            if (before < 0) {
                return null; // frozen
            }
            long now = clock.millis();
            if (now + reach(policy) > keepUntil) { // no overflow: the reach is at most 2^50 ms
                return null;
            }
            long debt = debt(before, policy, now);
            if (debt + cost * policy.windowMillis() > tolerance(policy)) {
                return describeDebt(policy, cost, debt);
            }
            long after = debt + cost * policy.windowMillis();
            if (WORD.compareAndSet(this, before, tatWord(policy, now, after))) {
                return taken(policy, after);
            }
            // Another call changed the TAT meanwhile: let it (or another thread) run before trying again (see
            // SharedLimitState#afterLostRace).
            afterLostRace();
        }
    }

    /** Keeps the state for two reaches from now once less than one is left, so a store serves a reach of calls. */
    @Override
    void keepFrom(LimitPolicy policy, long now) {
        long reach = reach(policy);
        if (now + reach <= keepUntil) {
            return;
        }
        keepUntil = now + 2 * reach;
    }

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        return debt(word, policy, now) + cost * policy.windowMillis() <= tolerance(policy);
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        long current = word;
        long debt = debt(current, policy, now) + cost * policy.windowMillis();
        word = tatWord(policy, now, debt) | (current & FROZEN);
        keepFrom(policy, now);
        return taken(policy, debt);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        return describeDebt(policy, cost, debt(word, policy, now));
    }

    /**
     * Until when the store keeps the state: at or after its TAT ({@link #keepFrom}), after which the partition is at
     * rest and a missing state gives the same answers.
     */
    @Override
    public long expiresAtMillis() {
        return keepUntil;
    }

    @Override
    void freeze() {
        WORD.getAndBitwiseOr(this, FROZEN);
    }

    @Override
    void thaw() {
        word &= ~FROZEN;
    }

    private static LimitOutcome taken(LimitPolicy policy, long debt) {
        return new LimitOutcome(true, policy.capacity(), remaining(policy, debt), ceilDiv(debt, policy.limit()), 0,
                next(policy, debt));
    }

    private static LimitOutcome describeDebt(LimitPolicy policy, long cost, long debt) {
        long over = debt + cost * policy.windowMillis() - tolerance(policy);
        boolean permitted = over <= 0;
        return new LimitOutcome(permitted, policy.capacity(), remaining(policy, debt),
                ceilDiv(debt, policy.limit()), permitted ? 0 : ceilDiv(over, policy.limit()), next(policy, debt));
    }

    /** The word of a TAT {@code debt} units after now. */
    private static long tatWord(LimitPolicy policy, long now, long debt) {
        return STORED | ((nowUnits(policy, now) + debt) & (RANGE - 1));
    }

    /**
     * {@code max(TAT, now) - now} in units: how far ahead of now the TAT is, 0 at rest; never more than the tolerance
     * (a TAT further ahead can only come from a policy changed by a redeployment, or a clock that stepped back).
     */
    private static long debt(long word, LimitPolicy policy, long now) {
        if ((word & STORED) == 0) {
            return 0;
        }
        long ahead = (word - nowUnits(policy, now)) & (RANGE - 1);
        return ahead >= RANGE / 2 ? 0 : Math.min(ahead, tolerance(policy));
    }

    /** The longest a call can leave the partition short of rest: its tolerance, rounded up to a millisecond. */
    private static long reach(LimitPolicy policy) {
        return ceilDiv(tolerance(policy), policy.limit());
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
