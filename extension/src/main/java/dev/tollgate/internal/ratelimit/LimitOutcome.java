package dev.tollgate.internal.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The state of one limit after a decision.
 *
 * @param permitted        whether this limit alone had room for the call
 * @param limit            the limit's capacity (what {@code remaining} counts down from)
 * @param remaining        permits left now, after this call's permits were taken if the decision permitted it;
 *                         never negative (a limit lowered by a redeployment may find more permits taken than it
 *                         now allows: then 0 remain)
 * @param resetMillis      milliseconds until the limit is back to full capacity if no one calls
 * @param retryAfterMillis {@code 0} if this limit permitted the call; otherwise milliseconds until a call of the
 *                         same cost would be permitted by this limit
 * @param nextMillis       milliseconds until additional quota is made available: until {@code remaining} grows by at
 *                         least one if no one calls (the {@code t} of the {@code RateLimit} header). A limit at full
 *                         capacity makes nothing more available until a permit is taken, so for it this is how long a
 *                         permit taken now would take to come back (the window's end, {@code W}, one emission
 *                         interval), so that a backend's answer is never 0 and {@code remaining / next} never reads
 *                         as an unbounded rate (only a limit that counts nothing, failure mode {@code ALLOW}, reports
 *                         0). For a refused limit it is never more than {@code retryAfterMillis}. The formulas per
 *                         algorithm are in {@link dev.tollgate.internal.ratelimit}.
 */
public record LimitOutcome(boolean permitted, long limit, long remaining, long resetMillis, long retryAfterMillis,
                           long nextMillis) implements RateLimitDecision {

    public LimitOutcome {
        remaining = Math.max(0, remaining);
    }

    /** As the decision of a call of this limit alone ({@link RateLimitDecision}): this outcome. */
    @Override
    public List<LimitOutcome> outcomes() {
        return List.of(this);
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public LimitOutcome outcome(int index) {
        Objects.checkIndex(index, 1);
        return this;
    }

    public Duration reset() {
        return Duration.ofMillis(resetMillis);
    }

    @Override
    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis);
    }
}
