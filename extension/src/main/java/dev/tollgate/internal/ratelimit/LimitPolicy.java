package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;

import java.util.Objects;

/**
 * One limit's rules, independent of who is calling: the algorithm, the permits per window, the window length and
 * the capacity. Immutable and validated on construction, so a backend never sees an impossible policy.
 *
 * @param algorithm    how permits are counted
 * @param limit        permits per window (token bucket: refill per window; GCRA: one permit per window / limit),
 *                     {@code > 0}
 * @param windowMillis window length in milliseconds, {@code > 0}; for {@code CONCURRENCY} the permits' lease
 * @param capacity     most permits available at once: {@code limit} for windows, the burst for a token bucket and a
 *                     GCRA
 */
public record LimitPolicy(Algorithm algorithm, long limit, long windowMillis, long capacity) {

    /** Longest window accepted: 366 days, enough for yearly quotas measured in days. */
    public static final long MAX_WINDOW_MILLIS = 366L * 24 * 60 * 60 * 1000;

    /**
     * Largest limit or capacity accepted. Keeps token arithmetic exact in a double (and so in Lua) and keeps a
     * sliding log's memory within reason.
     */
    public static final long MAX_PERMITS = 1L << 40;

    /**
     * Largest {@code capacity × windowMillis} of a GCRA: its state counts time in units of {@code 1/limit}
     * milliseconds, and its tolerance ({@code capacity} emission intervals) is {@code capacity × windowMillis} such
     * units, which must stay well inside the 2<sup>52</sup> units its arithmetic is exact in (as doubles, in Lua).
     */
    public static final long MAX_GCRA_TOLERANCE = 1L << 50;

    /**
     * Shortest lease of a {@code CONCURRENCY} permit: renewals come every third of a lease, and one that came later
     * than a lease (a pause of the JVM, a slow store) would free a running call's permit.
     */
    public static final long MIN_LEASE_MILLIS = 1000;

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
        if (!hasBurst(algorithm) && capacity != limit) {
            throw new IllegalArgumentException(
                    "capacity must equal limit for " + algorithm + ", was " + capacity + " with limit " + limit);
        }
        if (algorithm == Algorithm.CONCURRENCY && windowMillis < MIN_LEASE_MILLIS) {
            throw new IllegalArgumentException("the lease (windowMillis) of a CONCURRENCY limit must be at least "
                    + MIN_LEASE_MILLIS + ", was " + windowMillis);
        }
        if (algorithm == Algorithm.GCRA && !gcraToleranceFits(capacity, windowMillis)) {
            throw new IllegalArgumentException("capacity x windowMillis must be at most " + MAX_GCRA_TOLERANCE
                    + " for GCRA, was " + capacity + " x " + windowMillis);
        }
    }

    /** Whether {@code algorithm}'s capacity is a burst of its own ({@code TOKEN_BUCKET}, {@code GCRA}). */
    public static boolean hasBurst(Algorithm algorithm) {
        return algorithm == Algorithm.TOKEN_BUCKET || algorithm == Algorithm.GCRA;
    }

    /** Whether a GCRA's tolerance of {@code burst} permits of a window of {@code windowMillis} fits its arithmetic. */
    public static boolean gcraToleranceFits(long burst, long windowMillis) {
        return windowMillis > 0 && burst <= MAX_GCRA_TOLERANCE / windowMillis;
    }

    /**
     * A fixed or sliding window (or a GCRA whose burst is its limit): {@code limit} permits per window; or
     * {@code limit} concurrent calls, each permit leased for {@code windowMillis}.
     */
    public static LimitPolicy window(Algorithm algorithm, long limit, long windowMillis) {
        return new LimitPolicy(algorithm, limit, windowMillis, limit);
    }

    /** A token bucket holding up to {@code burst} tokens, refilled by {@code limit} per window. */
    public static LimitPolicy tokenBucket(long limit, long windowMillis, long burst) {
        return new LimitPolicy(Algorithm.TOKEN_BUCKET, limit, windowMillis, burst);
    }

    /** At most {@code limit} calls at once, each permit leased for {@code leaseMillis} and renewed while it runs. */
    public static LimitPolicy concurrency(long limit, long leaseMillis) {
        return new LimitPolicy(Algorithm.CONCURRENCY, limit, leaseMillis, limit);
    }

    /** A GCRA: one permit per {@code windowMillis / limit}, up to {@code burst} at once from rest. */
    public static LimitPolicy gcra(long limit, long windowMillis, long burst) {
        return new LimitPolicy(Algorithm.GCRA, limit, windowMillis, burst);
    }
}
