package dev.tollgate.spi;

import jakarta.interceptor.InvocationContext;

/**
 * Decides the caller's tier (e.g. {@code free}, {@code premium}) for tiered limits, when tiers are not derived
 * from the caller's roles. A CDI bean implementing this interface is picked up automatically; there may be at
 * most one. It is called concurrently and must be thread-safe.
 */
public interface TierResolver {

    /**
     * @param invocation the intercepted call, or {@code null} when {@code RateLimitStatus} asks for the current
     *                   caller's tier outside of a call
     * @return one of the tiers named in {@code tollgate.tiers}, or {@code null} for the default (first) tier;
     *         an unknown name is treated as the default tier and logged once
     */
    String resolveTier(InvocationContext invocation);
}
