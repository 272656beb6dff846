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
abstract sealed class LimitState permits SharedLimitState, SlidingWindowLog, ConcurrencyPermits {

    /**
     * The limiter whose state this is, set by the store once, when it stores the state ({@link LimitStates} keeps the
     * states of a partition in one chain, and tells them apart by limiter); {@code null} before.
     */
    private String limiter;
    /** The next state of the same partition in the store's chain (another limiter's); changed only by the store. */
    private volatile LimitState next;

    /** Whether this is a state of {@code limiter}: by reference first, as callers pass the limiter's own string. */
    final boolean isOf(String limiter) {
        String mine = this.limiter;
        return mine == limiter || mine.equals(limiter);
    }

    final String limiter() {
        return limiter;
    }

    /** Before the store publishes this state: it is a state of {@code limiter} for good. */
    final void storedAs(String limiter) {
        if (this.limiter != null && !this.limiter.equals(limiter)) {
            throw new IllegalStateException("a state of " + this.limiter + " cannot be stored as one of " + limiter);
        }
        this.limiter = limiter;
    }

    final LimitState next() {
        return next;
    }

    final void next(LimitState next) {
        this.next = next;
    }

    /**
     * Whether a call of {@code cost} has room now. Used by acquire only, before anything is consumed: it may forget
     * what no longer counts (the sliding log drops entries out of the window), which changes no number.
     */
    abstract boolean hasRoom(LimitPolicy policy, long cost, long now);

    /** Takes {@code cost} permits now ({@link #hasRoom} said there was room) and reports the state after. */
    abstract LimitOutcome consume(LimitPolicy policy, long cost, long now);

    /**
     * Reports the state now without changing it: what a peek answers, and what each limit of a refused call
     * reports. {@code permitted} says whether a call of {@code cost} would have room.
     */
    abstract LimitOutcome describe(LimitPolicy policy, long cost, long now);

    /**
     * Epoch milliseconds until which the store keeps this state: from then on a missing state would give the same
     * answers. The end of a fixed window, {@code W} after a sliding log's newest entry; for a token bucket or GCRA a
     * moment at or after it is full or at rest ({@link SharedLimitState#keepFrom}). Set by {@link #consume}; only
     * consumed states are stored.
     */
    abstract long expiresAtMillis();
}
