package dev.tollgate.internal.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one call's limits, decided all or nothing: whether the call may proceed (when not, no limit consumed
 * anything) and one outcome per requested limit, in request order.
 *
 * <p>A value, as a record would be (equal when permission and outcomes are), but not a record: a call of one limit,
 * the interceptor's common case, gets a decision holding its outcome alone ({@link #of}), without a list, which the
 * in-memory backend's lock-free path would otherwise allocate on every call (measured in {@code LocalDecisions}).
 */
public final class RateLimitDecision {

    private final boolean permitted;
    /** The outcome of a decision of one limit; {@code null} when {@link #outcomes} holds them. */
    private final LimitOutcome only;
    private final List<LimitOutcome> outcomes;

    /**
     * @param permitted whether the call may proceed; when {@code false}, no limit consumed anything
     * @param outcomes  one outcome per requested limit, in request order
     */
    public RateLimitDecision(boolean permitted, List<LimitOutcome> outcomes) {
        this.permitted = permitted;
        this.only = null;
        this.outcomes = List.copyOf(outcomes);
    }

    private RateLimitDecision(LimitOutcome only) {
        this.permitted = only.permitted();
        this.only = only;
        this.outcomes = null;
    }

    /** The decision of a call of one limit: permitted exactly when that limit permitted it. */
    public static RateLimitDecision of(LimitOutcome outcome) {
        return new RateLimitDecision(Objects.requireNonNull(outcome, "outcome"));
    }

    /** Whether the call may proceed; when {@code false}, no limit consumed anything. */
    public boolean permitted() {
        return permitted;
    }

    /** One outcome per requested limit, in request order. */
    public List<LimitOutcome> outcomes() {
        return outcomes != null ? outcomes : List.of(only);
    }

    /** How many limits were decided. */
    public int size() {
        return outcomes != null ? outcomes.size() : 1;
    }

    /** The outcome of the {@code index}-th requested limit. */
    public LimitOutcome outcome(int index) {
        if (outcomes != null) {
            return outcomes.get(index);
        }
        Objects.checkIndex(index, 1);
        return only;
    }

    /** {@code 0} when permitted; otherwise the longest wait any refusing limit asks for. */
    public long retryAfterMillis() {
        if (outcomes == null) {
            return only.retryAfterMillis();
        }
        long max = 0;
        for (LimitOutcome outcome : outcomes) {
            max = Math.max(max, outcome.retryAfterMillis());
        }
        return max;
    }

    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RateLimitDecision decision && permitted == decision.permitted
                && outcomes().equals(decision.outcomes());
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(permitted) + outcomes().hashCode();
    }

    @Override
    public String toString() {
        return "RateLimitDecision[permitted=" + permitted + ", outcomes=" + outcomes() + "]";
    }
}
