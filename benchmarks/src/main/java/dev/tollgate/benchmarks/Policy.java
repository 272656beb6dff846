package dev.tollgate.benchmarks;

import java.time.Duration;

/**
 * The limit every contender runs, the same for all: {@code permits} per {@code window} (token buckets: that
 * capacity, refilled at that rate).
 *
 * @param permits permits per window
 * @param window  the window
 */
record Policy(long permits, Duration window) {

    /**
     * For throughput: high enough never to be reached, so that every decision measured is a permitted one (the
     * common case). Sliding logs (Tollgate's SLIDING_WINDOW, Redisson's RRateLimiter) hold one entry per permit of
     * the last second.
     */
    static final Policy THROUGHPUT = new Policy(1_000_000_000L, Duration.ofSeconds(1));

    /** For memory per partition: state that lives through the measurement (an hour) and is never full. */
    static final Policy FOOTPRINT = new Policy(1_000L, Duration.ofHours(1));
}
