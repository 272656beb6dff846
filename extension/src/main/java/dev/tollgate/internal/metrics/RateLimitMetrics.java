package dev.tollgate.internal.metrics;

import java.util.Collection;

/**
 * Where rate-limit decisions are counted: {@code tollgate.ratelimit.calls.total} with tags {@code limiter} and
 * {@code result} ({@code permitted}, {@code rejected}). Implementations exist for MicroProfile Metrics, Micrometer
 * and none; the extension picks one at deployment.
 */
public interface RateLimitMetrics {

    String CALLS = "tollgate.ratelimit.calls.total";

    /** Whether this implementation can count here; checked once at deployment. */
    default boolean available() {
        return true;
    }

    /** Creates the counters of these limiters, so they read 0 before the first call. */
    void register(Collection<String> limiters);

    /** Counts one decision of {@code limiter}. */
    void record(String limiter, boolean permitted);

    /** Counts nothing. */
    RateLimitMetrics NONE = new RateLimitMetrics() {
        @Override
        public void register(Collection<String> limiters) {
        }

        @Override
        public void record(String limiter, boolean permitted) {
        }
    };
}
