package dev.tollgate.internal.metrics;

import java.util.Collection;

/**
 * Where rate-limit decisions are counted: {@code tollgate.ratelimit.calls.total} with tags {@code limiter} and
 * {@code result} ({@code permitted}, {@code rejected}). Implementations exist for MicroProfile Metrics, Micrometer
 * and none; the extension picks one at deployment.
 */
public interface RateLimitMetrics {

    String CALLS = "tollgate.ratelimit.calls.total";

    /** Idempotent calls, tagged {@code method} (the key scope) and {@code result}. */
    String IDEMPOTENCY_CALLS = "tollgate.idempotency.calls.total";

    /** The {@code result} tag values of {@link #IDEMPOTENCY_CALLS}. */
    java.util.List<String> IDEMPOTENCY_RESULTS = java.util.List.of("executed", "replayed", "conflict", "mismatch",
            "invalid");

    /** Whether this implementation can count here; checked once at deployment. */
    default boolean available() {
        return true;
    }

    /** Creates the counters of these limiters, so they read 0 before the first call. */
    void register(Collection<String> limiters);

    /** Counts one decision of {@code limiter}. */
    void record(String limiter, boolean permitted);

    /** Creates the idempotency counters of these scopes, one per result, so they read 0 before the first call. */
    void registerIdempotency(Collection<String> scopes);

    /** Counts one idempotent call of {@code scope} with {@code result}, one of {@link #IDEMPOTENCY_RESULTS}. */
    void recordIdempotency(String scope, String result);

    /** Counts nothing. */
    RateLimitMetrics NONE = new RateLimitMetrics() {
        @Override
        public void register(Collection<String> limiters) {
        }

        @Override
        public void record(String limiter, boolean permitted) {
        }

        @Override
        public void registerIdempotency(Collection<String> scopes) {
        }

        @Override
        public void recordIdempotency(String scope, String result) {
        }
    };
}
