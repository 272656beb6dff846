package dev.tollgate.internal.ratelimit;

import java.util.List;

/**
 * The outcome of one call's limits: which limits applied, and the decision. In shadow mode {@code enforced} is
 * {@code false}: the call proceeds even when the decision refused it.
 *
 * @param limits   the applied limits, in the order of the decision's outcomes
 * @param decision the backend's decision
 * @param enforced whether a refusal stops the call
 */
public record RateLimitResult(List<AppliedLimit> limits, RateLimitDecision decision, boolean enforced) {

    public RateLimitResult {
        limits = List.copyOf(limits);
        if (limits.size() != decision.outcomes().size()) {
            throw new IllegalArgumentException(
                    limits.size() + " limits but " + decision.outcomes().size() + " outcomes");
        }
    }
}
