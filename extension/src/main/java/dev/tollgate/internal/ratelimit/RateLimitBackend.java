package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import java.util.List;

/**
 * Where rate-limit state lives. Every implementation gives the same answers for the same sequence of calls
 * (the contract test suite holds them to it); they differ in where the state is and who shares it.
 *
 * <p>Implementations are thread-safe. A backend that cannot reach its store throws
 * {@link BackendUnavailableException} within a bounded time, never blocks indefinitely, and decides nothing.
 */
public interface RateLimitBackend extends AutoCloseable {

    /**
     * Decides all {@code limits} of one call together: the call is permitted only if every limit has room, and
     * only then does each limit consume the request's cost. A refused call consumes nothing.
     *
     * @param limits at least one; the same (limiter, partition) must not appear twice
     * @throws BackendUnavailableException if the store did not answer in time
     */
    RateLimitDecision acquire(List<LimitRequest> limits);

    /**
     * Reports what {@link #acquire} would answer now, without consuming anything: {@code remaining} is what is
     * left, and {@code permitted} whether a call of the request's cost would be permitted.
     *
     * @throws BackendUnavailableException if the store did not answer in time
     */
    RateLimitDecision peek(List<LimitRequest> limits);

    /**
     * Checks that the store answers, within the same bound as a decision.
     *
     * @throws BackendUnavailableException if it does not
     */
    void ping();

    /** A short name for logs and metrics: {@code redis} or {@code memory}. */
    String name();

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
