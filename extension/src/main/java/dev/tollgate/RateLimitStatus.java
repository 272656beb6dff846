package dev.tollgate;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The current caller's quotas, read without consuming anything. Inject it ({@code @Inject RateLimitStatus}) to show
 * callers what they have left, e.g. from a status endpoint.
 *
 * <p>Only limiters whose partition is known without the call's arguments are reported: those keyed by {@code ""},
 * {@code principal}, {@code ip}, {@code header:} or a resolver (asked with a {@code null} invocation). Limiters
 * keyed by a method parameter ({@code param:}) are left out.
 */
public interface RateLimitStatus {

    /**
     * The caller's quota in every reportable limiter of the application, by limiter name.
     *
     * @return the quotas, one per reportable limiter
     */
    List<Quota> quotas();

    /**
     * The caller's quota in one limiter, if it exists and is reportable.
     *
     * @param limiter the limiter's name
     * @return the quota, or empty
     */
    Optional<Quota> quota(String limiter);

    /**
     * One limiter's quota for the current caller.
     *
     * @param limiter   the limiter's name
     * @param limit     permits per window for this caller (its tier's, for a tiered limit)
     * @param remaining permits left now
     * @param window    the limit's window
     * @param reset     time until the quota is full again
     */
    record Quota(String limiter, long limit, long remaining, Duration window, Duration reset) {
    }
}
