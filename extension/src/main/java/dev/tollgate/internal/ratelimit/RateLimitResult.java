package dev.tollgate.internal.ratelimit;

import java.util.List;

/**
 * The outcome of one call's limits: which limits applied, and the decision. In shadow mode {@code enforced} is
 * {@code false}: the call proceeds even when the decision refused it.
 *
 * @param limits   the applied limits, in the order of the decision's outcomes
 * @param decision the backend's decision
 * @param enforced whether a refusal stops the call
 * @param permits  the {@code CONCURRENCY} permits the call took, to give back when it ends ({@link HeldPermits#NONE}
 *                 when it took none)
 */
public record RateLimitResult(List<AppliedLimit> limits, RateLimitDecision decision, boolean enforced,
                              HeldPermits permits) {

    /** A result that holds no permits. */
    public RateLimitResult(List<AppliedLimit> limits, RateLimitDecision decision, boolean enforced) {
        this(limits, decision, enforced, HeldPermits.NONE);
    }

    public RateLimitResult {
        limits = List.copyOf(limits);
        java.util.Objects.requireNonNull(permits, "permits");
        if (limits.size() != decision.size()) {
            throw new IllegalArgumentException(limits.size() + " limits but " + decision.size() + " outcomes");
        }
    }

    /**
     * This result restricted to the limits at {@code indexes}, decided as those limits alone decided it. What
     * clients see when a method mixes enforced and shadow limits.
     */
    public RateLimitResult select(int[] indexes) {
        List<AppliedLimit> selected = new java.util.ArrayList<>(indexes.length);
        List<LimitOutcome> outcomes = new java.util.ArrayList<>(indexes.length);
        boolean permitted = true;
        for (int index : indexes) {
            selected.add(limits.get(index));
            LimitOutcome outcome = decision.outcome(index);
            outcomes.add(outcome);
            permitted &= outcome.permitted();
        }
        return new RateLimitResult(selected, RateLimitDecision.of(permitted, outcomes), enforced, permits);
    }
}
