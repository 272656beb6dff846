package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code @RateLimit} of one method, resolved from the annotation and configuration and validated: what the
 * interceptor applies on every call, without reading anything again.
 *
 * @param name          the limiter's name (shared names share counters)
 * @param policy        the policy for callers without a tier-specific one
 * @param tierPolicies  policies by tier name, for a tiered limit; empty otherwise
 * @param cost          permits one call takes
 * @param key           the partition key specification ({@code ""}, {@code principal}, ...), parsed separately
 * @param shadow        decide and report, never refuse
 * @param maxWaitMillis how long a call may wait for a permit; 0 = refuse at once
 * @param failureMode   what the limit decides while the backend is unavailable
 * @param leasing       whether the Redis backend leases this limit's permits in batches (FIXED_WINDOW and
 *                      TOKEN_BUCKET only)
 */
public record LimitSettings(String name, LimitPolicy policy, Map<String, LimitPolicy> tierPolicies, long cost,
                            String key, boolean shadow, long maxWaitMillis, RateLimit.FailureMode failureMode,
                            boolean leasing) {

    public LimitSettings {
        tierPolicies = Collections.unmodifiableMap(new LinkedHashMap<>(tierPolicies));
    }

    /** Settings without leasing. */
    public LimitSettings(String name, LimitPolicy policy, Map<String, LimitPolicy> tierPolicies, long cost,
                         String key, boolean shadow, long maxWaitMillis, RateLimit.FailureMode failureMode) {
        this(name, policy, tierPolicies, cost, key, shadow, maxWaitMillis, failureMode, false);
    }

    /** The policy for a caller of {@code tier} ({@code null} when tiers are not in use). */
    public LimitPolicy policyFor(String tier) {
        if (tier == null || tierPolicies.isEmpty()) {
            return policy;
        }
        return tierPolicies.getOrDefault(tier, policy);
    }

    public boolean tiered() {
        return !tierPolicies.isEmpty();
    }
}
