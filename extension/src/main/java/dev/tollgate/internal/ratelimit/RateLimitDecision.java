package dev.tollgate.internal.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * The answer to one call's limits, decided all or nothing: whether the call may proceed (when not, no limit consumed
 * anything) and one outcome per requested limit, in request order.
 *
 * <p>A decision of one limit that follows that limit's outcome, the interceptor's common case, is that
 * {@link LimitOutcome} itself: the in-memory backend's lock-free path then allocates one object per call, not three
 * (outcome, list, decision; measured in {@code LocalDecisions}). {@link #of} makes that choice, so two decisions with
 * the same permission and outcomes are always equal.
 */
public sealed interface RateLimitDecision permits LimitOutcome, LimitOutcomes {

    /**
     * @param permitted whether the call may proceed; when {@code false}, no limit consumed anything
     * @param outcomes  one outcome per requested limit, in request order
     */
    static RateLimitDecision of(boolean permitted, List<LimitOutcome> outcomes) {
        if (outcomes.size() == 1 && outcomes.get(0).permitted() == permitted) {
            return outcomes.get(0);
        }
        return new LimitOutcomes(permitted, outcomes);
    }

    /** Whether the call may proceed; when {@code false}, no limit consumed anything. */
    boolean permitted();

    /** One outcome per requested limit, in request order. */
    List<LimitOutcome> outcomes();

    /** How many limits were decided; without building {@link #outcomes()} for a decision of one limit. */
    default int size() {
        return outcomes().size();
    }

    /** The outcome of the {@code index}-th requested limit. */
    default LimitOutcome outcome(int index) {
        return outcomes().get(index);
    }

    /** {@code 0} when permitted; otherwise the longest wait any refusing limit asks for. */
    default long retryAfterMillis() {
        long max = 0;
        for (LimitOutcome outcome : outcomes()) {
            max = Math.max(max, outcome.retryAfterMillis());
        }
        return max;
    }

    default Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis());
    }
}
