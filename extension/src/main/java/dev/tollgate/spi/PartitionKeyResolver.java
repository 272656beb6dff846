package dev.tollgate.spi;

import jakarta.interceptor.InvocationContext;

/**
 * Decides what a {@code @RateLimit} is counted per, when the built-in key sources ({@code principal}, {@code ip},
 * {@code header:}, {@code param:}) do not fit. Name the implementing class in {@code @RateLimit(key = "...")}.
 *
 * <p>If the class is a CDI bean, the bean is used (so it may inject what it needs); otherwise it must have a
 * public no-argument constructor, and one instance is created at deployment. Either way it is called concurrently
 * and must be thread-safe.
 */
public interface PartitionKeyResolver {

    /**
     * The partition value of this call, e.g. a tenant id. Tollgate hashes it before it reaches Redis, so any
     * string is safe.
     *
     * @param invocation the intercepted call (method, parameters, target), or {@code null} when
     *                   {@code RateLimitStatus} asks for the current caller's partition outside of a call: a
     *                   resolver that needs the call's arguments should then return {@code null}
     * @return the value, or {@code null} / empty when it is unknown: such calls share one "unknown" partition, so
     *         a missing value never lets a caller escape the limit
     */
    String resolve(InvocationContext invocation);
}
