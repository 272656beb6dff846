package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;

import java.util.Objects;

/**
 * One limit's rules, independent of who is calling: the algorithm, the permits per window, the window length and
 * the capacity. Immutable and validated on construction, so a backend never sees an impossible policy.
 *
 * @param algorithm    how permits are counted
 * @param limit        permits per window (token bucket: refill per window), {@code > 0}
 * @param windowMillis window length in milliseconds, {@code > 0}
 * @param capacity     most permits available at once: {@code limit} for windows, the burst for a token bucket
 */
public record LimitPolicy(Algorithm algorithm, long limit, long windowMillis, long capacity) {

    /** Longest window accepted: 366 days, enough for yearly quotas measured in days. */
    public static final long MAX_WINDOW_MILLIS = 366L * 24 * 60 * 60 * 1000;

    /**
     * Largest limit or capacity accepted. Keeps token arithmetic exact in a double (and so in Lua) and keeps a
     * sliding log's memory within reason.
     */
    public static final long MAX_PERMITS = 1L << 40;

    public LimitPolicy {
        Objects.requireNonNull(algorithm, "algorithm");
        if (limit <= 0 || limit > MAX_PERMITS) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_PERMITS + "], was " + limit);
        }
        if (windowMillis <= 0 || windowMillis > MAX_WINDOW_MILLIS) {
            throw new IllegalArgumentException(
                    "windowMillis must be in [1, " + MAX_WINDOW_MILLIS + "], was " + windowMillis);
        }
        if (capacity <= 0 || capacity > MAX_PERMITS) {
            throw new IllegalArgumentException("capacity must be in [1, " + MAX_PERMITS + "], was " + capacity);
        }
        if (algorithm != Algorithm.TOKEN_BUCKET && capacity != limit) {
            throw new IllegalArgumentException(
                    "capacity must equal limit for " + algorithm + ", was " + capacity + " with limit " + limit);
        }
    }

    /** A fixed or sliding window: {@code limit} permits per window. */
    public static LimitPolicy window(Algorithm algorithm, long limit, long windowMillis) {
        return new LimitPolicy(algorithm, limit, windowMillis, limit);
    }

    /** A token bucket holding up to {@code burst} tokens, refilled by {@code limit} per window. */
    public static LimitPolicy tokenBucket(long limit, long windowMillis, long burst) {
        return new LimitPolicy(Algorithm.TOKEN_BUCKET, limit, windowMillis, burst);
    }
}
