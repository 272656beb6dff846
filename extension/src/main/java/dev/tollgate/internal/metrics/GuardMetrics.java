package dev.tollgate.internal.metrics;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;

import java.util.Collection;
import java.util.function.IntSupplier;

/**
 * Where both guards and their backend are counted: rate-limit decisions ({@code tollgate.ratelimit.calls.total}
 * with tags {@code limiter} and {@code result}: {@code permitted}, {@code rejected}), idempotent calls, backend
 * calls and failures, the breaker's state and the fallbacks of each failure mode. Implementations exist for
 * MicroProfile Metrics, Micrometer and none; the extension picks one at deployment.
 */
public interface GuardMetrics {

    String CALLS = "tollgate.ratelimit.calls.total";

    /** Idempotent calls, tagged {@code method} (the key scope) and {@code result}. */
    String IDEMPOTENCY_CALLS = "tollgate.idempotency.calls.total";

    /** The {@code result} tag values of {@link #IDEMPOTENCY_CALLS}. */
    java.util.List<String> IDEMPOTENCY_RESULTS = java.util.List.of("executed", "replayed", "conflict", "mismatch",
            "invalid");

    /** Latency of every call to the backend (Redis), a timer tagged {@code backend}. */
    String BACKEND_CALLS = "tollgate.backend.calls";

    /** Backend calls that got no answer (timeout, refused connection, error), tagged {@code backend}. */
    String BACKEND_FAILURES = "tollgate.backend.failures.total";

    /** The backend's circuit breaker, tagged {@code backend}: 0 closed, 1 open, 2 half-open. */
    String BREAKER_STATE = "tollgate.backend.breaker.state";

    /** Rate-limit decisions made by a failure mode because the backend was unavailable, tagged {@code mode}. */
    String RATELIMIT_FALLBACKS = "tollgate.ratelimit.fallbacks.total";

    /** Idempotent calls handled by a failure mode because the store was unavailable, tagged {@code mode}. */
    String IDEMPOTENCY_FALLBACKS = "tollgate.idempotency.fallbacks.total";

    /**
     * Partitions refused more than {@code tollgate.violations.persistent-threshold} times in one violation period,
     * tagged {@code limiter}: each counts once per period, on one instance.
     */
    String PERSISTENT_VIOLATORS = "tollgate.ratelimit.persistent.violators.total";

    /**
     * Permit leasing: lease script calls that granted permits, tagged {@code limiter}; created at a limiter's first
     * lease, since only leased limiters have any.
     */
    String LEASES = "tollgate.ratelimit.leases.total";

    /** Permits those leases took from Redis, tagged {@code limiter}. */
    String LEASED_PERMITS = "tollgate.ratelimit.leased.permits.total";

    /** Unspent leased permits given back that Redis took back, tagged {@code limiter}. */
    String RETURNED_PERMITS = "tollgate.ratelimit.returned.permits.total";

    /** Whether this implementation can count here; checked once at deployment. */
    default boolean available() {
        return true;
    }

    /** Counts one persistent violator of {@code limiter} (see {@link #PERSISTENT_VIOLATORS}). */
    void recordPersistentViolator(String limiter);

    /** Creates the counters of these limiters, so they read 0 before the first call. */
    void register(Collection<String> limiters);

    /** Counts one decision of {@code limiter}. */
    void record(String limiter, boolean permitted);

    /** Creates the idempotency counters of these scopes, one per result, so they read 0 before the first call. */
    void registerIdempotency(Collection<String> scopes);

    /** Counts one idempotent call of {@code scope} with {@code result}, one of {@link #IDEMPOTENCY_RESULTS}. */
    void recordIdempotency(String scope, String result);

    /**
     * Creates the backend's timer, failure counter and breaker gauge, and the fallback counters of both guards (one
     * per mode), so they read 0 before the first failure.
     *
     * @param backend      the backend's name, the {@code backend} tag ({@code redis})
     * @param breakerState reads the breaker's state: 0 closed, 1 open, 2 half-open
     */
    void registerBackend(String backend, IntSupplier breakerState);

    /** Records one backend call that took {@code nanos}; {@code failed} when it got no answer. */
    void recordBackendCall(long nanos, boolean failed);

    /** Counts one rate-limit decision made by {@code mode} because the backend was unavailable. */
    void recordFallback(RateLimit.FailureMode mode);

    /** Counts one idempotent call handled by {@code mode} because the store was unavailable. */
    void recordIdempotencyFallback(Idempotent.FailureMode mode);

    /** Counts one lease of {@code limiter} that Redis granted, of {@code permits} (at least 1). */
    void recordLease(String limiter, long permits);

    /** Counts {@code permits} (at least 1) of {@code limiter}'s unspent leased permits that Redis took back. */
    void recordReturnedPermits(String limiter, long permits);

    /** Counts nothing. */
    GuardMetrics NONE = new GuardMetrics() {
        @Override
        public void registerBackend(String backend, IntSupplier breakerState) {
        }

        @Override
        public void recordBackendCall(long nanos, boolean failed) {
        }

        @Override
        public void recordFallback(RateLimit.FailureMode mode) {
        }

        @Override
        public void recordIdempotencyFallback(Idempotent.FailureMode mode) {
        }

        @Override
        public void register(Collection<String> limiters) {
        }

        @Override
        public void recordPersistentViolator(String limiter) {
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

        @Override
        public void recordLease(String limiter, long permits) {
        }

        @Override
        public void recordReturnedPermits(String limiter, long permits) {
        }
    };
}
