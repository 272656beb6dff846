package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

/**
 * The mutable state of one limit for one partition, and the formulas of its algorithm (see
 * {@link dev.tollgate.internal.ratelimit}). These methods are not thread-safe: the backend calls them only while
 * holding the lock of the state's key (and, for a {@link SharedLimitState}, having frozen it), and reads the clock
 * under that lock, so {@code now} never goes back between two calls on one state unless the clock itself does. A
 * {@link SharedLimitState} is also changed without the lock, through its own atomic path.
 *
 * <p>A state that is not stored yet behaves exactly like a missing one: an empty window, a full bucket, a GCRA at
 * rest.
 */
sealed interface LimitState permits SharedLimitState, SlidingWindowLog, ConcurrencyPermits {

    /**
     * Whether a call of {@code cost} has room now. Used by acquire only, before anything is consumed: it may forget
     * what no longer counts (the sliding log drops entries out of the window), which changes no number.
     */
    boolean hasRoom(LimitPolicy policy, long cost, long now);

    /** Takes {@code cost} permits now ({@link #hasRoom} said there was room) and reports the state after. */
    LimitOutcome consume(LimitPolicy policy, long cost, long now);

    /**
     * Reports the state now without changing it: what a peek answers, and what each limit of a refused call
     * reports. {@code permitted} says whether a call of {@code cost} would have room.
     */
    LimitOutcome describe(LimitPolicy policy, long cost, long now);

    /**
     * Epoch milliseconds until which the store keeps this state: from then on a missing state would give the same
     * answers. The end of a fixed window, {@code W} after a sliding log's newest entry; for a token bucket or GCRA a
     * moment at or after it is full or at rest ({@link SharedLimitState#keepFrom}). Set by {@link #consume}; only
     * consumed states are stored.
     */
    long expiresAtMillis();
}
