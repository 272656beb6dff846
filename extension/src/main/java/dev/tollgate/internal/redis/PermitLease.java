package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One instance's lease of one limit and partition: the current {@link LeaseGrant}, spent by callers without a lock,
 * and at most one refill in flight (single flight). A caller that finds fewer than a quarter of the grant left starts
 * a refill and goes on spending, so that under steady load callers rarely wait; one that finds too few waits for the
 * refill in flight (or starts it), then tries again.
 *
 * <p>A refill's permits join those still unspent when they belong to the same window (a fixed window's number, or an
 * unexpired token bucket lease); unspent permits of an expired bucket lease are given back to Redis.
 */
final class PermitLease {

    private final PermitLeases owner;
    private final LimitPolicy policy;
    private final String key;
    /** The limiter's name, what the lease metrics are tagged with. */
    private final String limiter;
    private volatile LeaseGrant grant;
    private final AtomicReference<CompletableFuture<LeaseGrant>> refill = new AtomicReference<>();

    PermitLease(PermitLeases owner, LimitPolicy policy, String key, String limiter) {
        this.owner = owner;
        this.limiter = limiter;
        this.policy = policy;
        this.key = key;
    }

    /**
     * What one call got from a lease: the outcome, and the grant its permits came from (null if refused), where
     * {@link #putBack} returns them if another limit refuses the call.
     */
    record Taken(LimitOutcome outcome, LeaseGrant from, PermitLease lease) {

        /** Returns the permits taken to the lease: another limit refused the call. Nothing if none were taken. */
        void putBack(long cost) {
            if (from != null) {
                lease.putBack(from, cost);
            }
        }
    }

    /**
     * Takes {@code cost} permits: from the current grant, else from a refill.
     *
     * @throws dev.tollgate.internal.resilience.BackendUnavailableException if a refill was needed and Redis did not
     *                                                                       grant in time
     */
    Taken take(long cost) {
        while (true) {
            LeaseGrant current = grant;
            long now = System.nanoTime();
            if (current != null) {
                long left = current.take(cost, now);
                if (left >= 0) {
                    if (current.low(left)) {
                        ahead(current, cost);
                    }
                    return new Taken(current.permitted(policy.capacity(), left, now), current, this);
                }
                if (current.live(now) && current.refuses(cost, now)) {
                    return new Taken(current.refused(policy.capacity(), now), null, this);
                }
            }
            LeaseGrant fresh = owner.await(refill(current, cost));
            now = System.nanoTime();
            if (fresh.refuses(cost, now) && fresh.unspent(now) < cost) {
                return new Taken(fresh.refused(policy.capacity(), now), null, this);
            }
        }
    }

    /** Permits unspent here now. */
    long unspent() {
        LeaseGrant current = grant;
        return current == null ? 0 : current.unspent(System.nanoTime());
    }

    /** Takes every unspent permit for a give-back: the lease is closed or evicted. */
    void retire() {
        LeaseGrant current = grant;
        if (current != null) {
            long now = System.nanoTime();
            long unspent = current.drain();
            if (unspent > 0 && (current.live(now) || policy.algorithm() == Algorithm.TOKEN_BUCKET)) {
                owner.giveBack(limiter, policy, key, unspent, current.window());
            }
        }
    }

    /**
     * Puts back permits a call took from {@code from}: into it, or, when a refill retired it meanwhile (a call that
     * empties a grant starts one ahead of need, which may answer while the call's other limits are decided), into the
     * grant that took its permits over: the current one, if it counts the same fixed window (a token bucket's: if it is
     * live). Otherwise, as a retired lease's permits, back to Redis, which takes a fixed window's only within it.
     */
    private void putBack(LeaseGrant from, long cost) {
        if (from.putBack(cost)) {
            return;
        }
        LeaseGrant tried = from;
        LeaseGrant current = grant;
        // Each pass tries a newer grant; one that stays current after refusing (a closed lease) ends the loop.
        while (current != null && current != tried && current.live(System.nanoTime())
                && (policy.algorithm() != Algorithm.FIXED_WINDOW || current.window() == from.window())) {
            if (current.putBack(cost)) {
                return;
            }
            tried = current;
            current = grant;
        }
        owner.giveBack(limiter, policy, key, cost, from.window());
    }

    /** Starts a refill ahead of need; a failure is left to the callers that will need it. */
    private void ahead(LeaseGrant seen, long cost) {
        try {
            refill(seen, cost);
        } catch (RuntimeException e) {
            // The circuit is open: the grant's remaining permits are still spent, and the next refill reports it.
        }
    }

    /**
     * The refill in flight, or a new one if none is. When the grant changed since {@code seen} was read, no lease is
     * sent: the caller tries the new grant first.
     */
    private CompletableFuture<LeaseGrant> refill(LeaseGrant seen, long cost) {
        CompletableFuture<LeaseGrant> mine = new CompletableFuture<>();
        while (true) {
            CompletableFuture<LeaseGrant> inflight = refill.get();
            if (inflight != null) {
                return inflight;
            }
            if (refill.compareAndSet(null, mine)) {
                break;
            }
        }
        LeaseGrant current = grant;
        if (current != seen && current != null) {
            refill.set(null);
            mine.complete(current);
            return mine;
        }
        long sent = System.nanoTime();
        CompletableFuture<LeaseScript.Reply> reply;
        try {
            reply = owner.lease(limiter, policy, key, cost);
        } catch (RuntimeException e) {
            refill.set(null);
            mine.completeExceptionally(e);
            return mine;
        }
        reply.whenComplete((answer, failure) -> {
            if (failure != null) {
                refill.set(null);
                mine.completeExceptionally(failure);
                return;
            }
            LeaseGrant fresh = successor(answer, sent, cost);
            // Published before the refill is cleared and completed: whoever waited on it finds the new grant.
            grant = fresh;
            refill.set(null);
            mine.complete(fresh);
        });
        return mine;
    }

    /** The grant after a lease answered: its permits plus those of the current grant that are still good. */
    private LeaseGrant successor(LeaseScript.Reply reply, long sentNanos, long cost) {
        LeaseGrant previous = grant;
        long now = System.nanoTime();
        long carried = 0;
        if (previous != null) {
            boolean sameWindow = policy.algorithm() == Algorithm.FIXED_WINDOW
                    ? previous.window() == reply.window() && previous.live(now)
                    : previous.live(now);
            long unspent = previous.drain();
            if (sameWindow) {
                carried = unspent;
            } else if (unspent > 0 && policy.algorithm() == Algorithm.TOKEN_BUCKET) {
                owner.giveBack(limiter, policy, key, unspent, 0);
            }
        }
        long expires = policy.algorithm() == Algorithm.FIXED_WINDOW
                ? sentNanos + TimeUnit.MILLISECONDS.toNanos(reply.resetMillis())
                : sentNanos + TimeUnit.MILLISECONDS.toNanos(owner.bucketLeaseMillis(policy));
        if (carried > 0 && policy.algorithm() == Algorithm.TOKEN_BUCKET) {
            // Carried permits keep the older, shorter expiry: a bucket lease is bounded in time, refills or not.
            expires = Math.min(expires, previous.expiresNanos());
        }
        return new LeaseGrant(reply.granted() + carried, expires, reply.window(), sentNanos, reply, cost);
    }
}
