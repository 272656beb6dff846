package dev.tollgate.internal.ratelimit;

import java.util.Objects;

/**
 * One limit to decide for one call: which limiter, whose partition of it, under which policy, at what cost.
 *
 * @param limiter   the limiter's name; shared names share counters
 * @param partition who is counted (already hashed or escaped by the caller); {@code ""} for one shared limit.
 *                  Never contains braces, so it can serve as a Redis hash tag.
 * @param policy    the limit's rules
 * @param cost      permits the call takes, in {@code [1, policy.capacity()]}
 */
public record LimitRequest(String limiter, String partition, LimitPolicy policy, long cost) {

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
        if (cost < 1 || cost > policy.capacity()) {
            throw new IllegalArgumentException(
                    "cost must be in [1, " + policy.capacity() + "], was " + cost);
        }
    }
}
