package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.time.InstantSource;

/**
 * A state that a call of one limit decides on without a lock, by one compare-and-set on what the state keeps
 * ({@link FixedWindowCounter}, {@link TokenBucket}, {@link TheoreticalArrivalTime}): the interceptor's common call,
 * many threads on one partition at once.
 *
 * <p>Three things send such a call to the backend's locked path instead ({@link #tryAcquire} answers {@code null}):
 * <ul>
 *     <li>a multi-limit call holds the state ({@link #freeze}), or the store swept it (frozen for good, see
 *     {@link LimitStates}): it checks all its limits and consumes all or none under the stripe locks, and those locks
 *     exclude the locked path, so the two never interleave;</li>
 *     <li>a state that cannot hold now's answer: a fixed window that the clock went back from, or whose window number
 *     no longer fits ({@link FixedWindowCounter}); the locked path replaces it by a new state;</li>
 *     <li>a token bucket's or GCRA's call that could leave the state mattering later than the store keeps it
 *     ({@link #expiresAtMillis}): the locked path moves that moment, under the stripe lock that the store's sweep
 *     takes too.</li>
 * </ul>
 * The store may sweep a state the moment it stops being kept, even while a thread that looked it up just before is
 * still deciding on it: the sweep freezes the state before it reads its expiry, so that thread either decided before
 * (and moved the expiry, if it did, before the sweep read it) or fails its compare-and-set and goes to the lock, where
 * it finds the state gone. A fixed window moves its expiry itself, to the end of the window it moves on to; a token
 * bucket's or GCRA's would move on every call, so they are kept up to twice their longest reach ({@link #keepFrom})
 * rather than exactly until they are at rest: one locked call per reach, not one per call.
 *
 * <p>Of the {@link LimitState} methods, {@code hasRoom} and {@code consume} are called only on a frozen state or one
 * not stored yet, which no other call changes; {@code describe} (a peek) at any time, as it reads the state once.
 */
abstract sealed class SharedLimitState extends LimitState permits FixedWindowCounter, TokenBucket,
        TheoreticalArrivalTime {

    /** The sign bit of a state kept in a long: set while a multi-limit call holds the state. */
    static final long FROZEN = Long.MIN_VALUE;

    /** The algorithm whose state this is: a policy changed by a redeployment may name another. */
    abstract Algorithm algorithm();

    /**
     * Takes {@code cost} permits if there is room, atomically against every other call, and reports the state after;
     * or reports the refusal. Reads the clock itself, after what the state keeps, so that calls on one state see
     * non-decreasing times in the order they take effect. {@code null} if this call must be decided under the lock
     * (see above).
     */
    abstract LimitOutcome tryAcquire(LimitPolicy policy, long cost, InstantSource clock);

    /**
     * Under the lock, before {@link #tryAcquire}: keeps the state long enough for calls from {@code now} on.
     */
    void keepFrom(LimitPolicy policy, long now) {
    }

    /**
     * After a compare-and-set that another call won, before reading the state again: gives up the processor.
     * Every call on a partition writes its state, so threads on one hot partition keep invalidating each other's
     * reads: the state's cache line moves from core to core on every call, and with more threads than cores a thread
     * descheduled between its read and its compare-and-set always loses it. Yielding once lets the winner's
     * successors through instead of retrying into them. On 2 cores with 32 threads on one key: a token bucket went
     * from 4.4-8.2 to 14.7-17.8 million decisions a second, its retries (an allocated level each) from about one per
     * two decisions to almost none ({@code LocalDecisions}, {@code -prof gc}); a fixed window, whose compare-and-set
     * follows its read at once and still lost it on 14 to 35 % of its calls (a scratch count), lost 2 % with the
     * yield and went from bimodal (16 to 34 million) to 25 to 34 million (docs/benchmarks.md). resilience4j's limiter
     * parks for a nanosecond at the same point; {@link Thread#yield} returns at once when no other thread waits for
     * the core, so an uncontended machine pays nothing for it.
     */
    static void afterLostRace() {
        Thread.yield();
    }

    /** Under the stripe lock: makes lock-free calls wait for the lock until {@link #thaw}. */
    abstract void freeze();

    abstract void thaw();
}
