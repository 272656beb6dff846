package dev.tollgate.internal.ratelimit;

/**
 * A limit as it was applied to one call: its name and the policy in force for the caller (a tiered limit's policy
 * depends on the caller's tier). What the HTTP headers describe.
 */
public record AppliedLimit(String name, LimitPolicy policy) {
}
