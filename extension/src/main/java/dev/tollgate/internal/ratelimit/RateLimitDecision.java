package dev.tollgate.internal.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * The answer to one call's limits, decided all or nothing.
 *
 * @param permitted whether the call may proceed; when {@code false}, no limit consumed anything
 * @param outcomes  one outcome per requested limit, in request order
 */
public record RateLimitDecision(boolean permitted, List<LimitOutcome> outcomes) {

    public RateLimitDecision {
        outcomes = List.copyOf(outcomes);
    }

    /** The outcome of the {@code index}-th requested limit. */
    public LimitOutcome outcome(int index) {
        return outcomes.get(index);
    }

    /** {@code 0} when permitted; otherwise the longest wait any refusing limit asks for. */
    public long retryAfterMillis() {
        long max = 0;
        for (LimitOutcome outcome : outcomes) {
            max = Math.max(max, outcome.retryAfterMillis());
        }
        return max;
    }

    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis());
    }
}
