package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * CONCURRENCY: the permits held in one partition, by holder, each with the end of its lease, as the Redis backend's
 * sorted set holds them (one member per permit there, one entry per holder and its cost here: the same counts).
 * A holder whose lease has ended holds nothing; a call taking permits drops such holders first. Reset and next are 0:
 * permits come back when calls end, not with time.
 */
final class ConcurrencyPermits extends LimitState {

    /** Per holder: its permits (the call's cost) and when its lease ends (epoch ms). */
    private final Map<String, long[]> holders = new HashMap<>(4);
    private long held;
    private long expiresAt;

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        dropEnded(now);
        return held + cost <= policy.limit();
    }

    /** Holders take permits through {@link #take}, which knows who they are. */
    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        throw new UnsupportedOperationException("concurrency permits are taken by a holder: use take");
    }

    /** Takes {@code request.cost()} permits for its holder ({@link #hasRoom} said there was room). */
    LimitOutcome take(LimitRequest request, long now) {
        dropEnded(now);
        LimitPolicy policy = request.policy();
        long ends = now + policy.windowMillis();
        long[] previous = holders.put(request.holder(), new long[] {request.cost(), ends});
        if (previous != null) {
            held -= previous[0];
        }
        held += request.cost();
        expiresAt = Math.max(expiresAt, ends);
        return new LimitOutcome(true, policy.capacity(), policy.limit() - held, 0, 0, 0);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long live = 0;
        for (long[] holder : holders.values()) {
            if (holder[1] > now) {
                live += holder[0];
            }
        }
        boolean permitted = live + cost <= policy.limit();
        return new LimitOutcome(permitted, policy.capacity(), policy.limit() - live, 0,
                permitted ? 0 : Math.min(1000, policy.windowMillis()), 0);
    }

    /** Gives back {@code holder}'s permits; whether it held any. */
    boolean release(String holder) {
        long[] released = holders.remove(holder);
        if (released == null) {
            return false;
        }
        held -= released[0];
        return true;
    }

    /**
     * Starts {@code holder}'s lease again; {@code false} if it holds nothing (gave its permits back, or its lease
     * ended and a call dropped it). A lease that ended but was not dropped is renewed: nobody took its place.
     */
    boolean renew(String holder, long leaseMillis, long now) {
        long[] permits = holders.get(holder);
        if (permits == null) {
            return false;
        }
        permits[1] = now + leaseMillis;
        expiresAt = Math.max(expiresAt, permits[1]);
        return true;
    }

    boolean empty() {
        return holders.isEmpty();
    }

    /** When the last lease ends. */
    @Override
    public long expiresAtMillis() {
        return expiresAt;
    }

    private void dropEnded(long now) {
        for (Iterator<long[]> it = holders.values().iterator(); it.hasNext(); ) {
            long[] holder = it.next();
            if (holder[1] <= now) {
                held -= holder[0];
                it.remove();
            }
        }
    }
}
