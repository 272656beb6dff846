package dev.tollgate.internal.ratelimit;

import java.util.List;

/**
 * A decision of several limits, or of one limit that it does not follow (a shadow limit's refusal does not refuse
 * the call). Made by {@link RateLimitDecision#of} only.
 */
record LimitOutcomes(boolean permitted, List<LimitOutcome> outcomes) implements RateLimitDecision {

    LimitOutcomes {
        outcomes = List.copyOf(outcomes);
    }
}
