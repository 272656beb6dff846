package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One limit to decide for one call: which limiter, whose partition of it, under which policy, at what cost.
 *
 * @param limiter   the limiter's name; shared names share counters
 * @param partition who is counted (already hashed or escaped by the caller); {@code ""} for one shared limit.
 *                  Never contains braces, so it can serve as a Redis hash tag.
 * @param policy    the limit's rules
 * @param cost      permits the call takes, in {@code [1, policy.capacity()]}
 * @param holder    for a {@code CONCURRENCY} limit that an acquire may grant, who holds the permits: unique per call
 *                  (see {@link PermitHolders}), so that the call alone can renew and give them back; {@code null}
 *                  otherwise (a peek needs none)
 * @param leased    whether a backend that can lease permits in batches (Redis) takes this limit's permits from a
 *                  local lease ({@code FIXED_WINDOW} and {@code TOKEN_BUCKET} only); backends that cannot ignore it
 */
public record LimitRequest(String limiter, String partition, LimitPolicy policy, long cost, String holder,
                           boolean leased) {

    /** A request without a holder: any limit but a {@code CONCURRENCY} one to acquire. */
    public LimitRequest(String limiter, String partition, LimitPolicy policy, long cost) {
        this(limiter, partition, policy, cost, null, false);
    }

    /** A request that is not leased. */
    public LimitRequest(String limiter, String partition, LimitPolicy policy, long cost, String holder) {
        this(limiter, partition, policy, cost, holder, false);
    }

    public LimitRequest {
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(policy, "policy");
        if (limiter.isEmpty()) {
            throw new IllegalArgumentException("limiter must not be empty");
        }
        if (partition.indexOf('{') >= 0 || partition.indexOf('}') >= 0) {
            throw new IllegalArgumentException("partition must not contain braces, was " + partition);
        }
        if (holder != null && (policy.algorithm() != Algorithm.CONCURRENCY
                || !PermitHolders.valid(holder))) {
            throw new IllegalArgumentException("a holder is for CONCURRENCY limits only, from PermitHolders, was "
                    + holder + " for " + policy.algorithm());
        }
        if (leased && policy.algorithm() != Algorithm.FIXED_WINDOW && policy.algorithm() != Algorithm.TOKEN_BUCKET) {
            throw new IllegalArgumentException("only FIXED_WINDOW and TOKEN_BUCKET permits can be leased, was "
                    + policy.algorithm());
        }
        if (cost < 1 || cost > policy.capacity()) {
            throw new IllegalArgumentException(
                    "cost must be in [1, " + policy.capacity() + "], was " + cost);
        }
    }

    /** Whether an acquire of this request takes permits that must be given back: a {@code CONCURRENCY} limit's. */
    public boolean holds() {
        return policy.algorithm() == Algorithm.CONCURRENCY;
    }

    /**
     * Checks what an acquire of {@code limits} needs: a holder for every {@code CONCURRENCY} limit.
     *
     * @throws IllegalArgumentException naming the limiter otherwise
     */
    public static void requireHolders(List<LimitRequest> limits) {
        for (LimitRequest limit : limits) {
            if (limit.holds() && limit.holder() == null) {
                throw new IllegalArgumentException("the CONCURRENCY limit " + limit.limiter()
                        + " needs a holder to be acquired");
            }
        }
    }

    /**
     * The names of the permits an acquire of this request takes: its holder's name for a call of cost 1, else
     * {@code <holder>#1} to {@code <holder>#<cost>} (as {@code rate_limit.lua} names them).
     */
    public List<String> permitNames() {
        if (holder == null) {
            throw new IllegalStateException("the request for " + limiter + " has no holder");
        }
        if (cost == 1) {
            return List.of(holder);
        }
        List<String> names = new ArrayList<>((int) cost);
        for (long j = 1; j <= cost; j++) {
            names.add(holder + "#" + j);
        }
        return names;
    }

    /** This request held by {@code holder}. */
    public LimitRequest heldBy(String holder) {
        return new LimitRequest(limiter, partition, policy, cost, holder, leased);
    }
}
