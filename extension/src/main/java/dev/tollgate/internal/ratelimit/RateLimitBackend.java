package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
     * <p>A {@code CONCURRENCY} limit's permits are taken by the request's {@link LimitRequest#holder() holder} and
     * stay taken until given back ({@link #release}) or until their lease ({@code windowMillis}, started again by
     * {@link #renew}) runs out.
     *
     * @param limits at least one; the same (limiter, partition) must not appear twice; a {@code CONCURRENCY} limit
     *               needs a holder
     * @throws IllegalArgumentException if a {@code CONCURRENCY} limit has no holder
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
     * Gives back the permits that {@code held} (the {@code CONCURRENCY} requests of a permitted acquire, with their
     * holder) took, without waiting: the future completes once the store has them back. A holder the store does not
     * know (given back already, or freed when its lease ran out) is ignored.
     *
     * @return completes normally, or with {@link BackendUnavailableException} if the store did not answer in time
     *         (the permits then come back when their lease runs out)
     */
    CompletableFuture<Void> release(List<LimitRequest> held);

    /**
     * Starts the lease of {@code held}'s permits again from now (the store's now).
     *
     * @return {@code false} if any of them is no longer held: its lease ran out and the store freed it (its call
     *         then runs without a permit, and may have been counted against no one)
     * @throws BackendUnavailableException if the store did not answer in time
     */
    boolean renew(List<LimitRequest> held);

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
