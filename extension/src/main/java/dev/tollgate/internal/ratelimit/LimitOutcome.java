package dev.tollgate.internal.ratelimit;

import java.time.Duration;

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
 */
public record LimitOutcome(boolean permitted, long limit, long remaining, long resetMillis, long retryAfterMillis) {

    public LimitOutcome {
        remaining = Math.max(0, remaining);
    }

    public Duration reset() {
        return Duration.ofMillis(resetMillis);
    }

    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis);
    }
}
