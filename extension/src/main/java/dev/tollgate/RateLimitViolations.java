package dev.tollgate;

import java.time.Duration;
import java.util.List;

/**
 * Who is refused most: per limiter, the partitions refused most often in the current violation period and the one
 * before it ({@code tollgate.violations.period}, default one minute, periods aligned to the epoch). Inject it
 * ({@code @Inject RateLimitViolations}) to serve operators, e.g. from an admin endpoint.
 *
 * <p>A partition is named by its hash (what Tollgate keeps in Redis keys), or, when
 * {@code tollgate.violations.identities=true}, by the caller's value in clear: {@code principal:alice},
 * {@code ip:203.0.113.9}, {@code header:X-Api-Key=...}. Shadow refusals count like refusals. Refusals reach the ranking
 * a second or so after they happen (they are counted in memory and sent in batches, off the refused call's path),
 * and the ranking keeps the {@code tollgate.violations.top} most refused partitions per limiter and period. With
 * Redis the ranking is shared by every instance; without it, each instance has its own.
 */
public interface RateLimitViolations {

    /**
     * The length of a violation period.
     *
     * @return the period's length
     */
    Duration period();

    /**
     * The partitions of {@code limiter} refused most often over the current and the previous period together, most
     * first, at most {@code count}; empty for a limiter that refused nothing (or does not exist).
     *
     * @param limiter the limiter's name
     * @param count   how many offenders at most
     * @return the offenders, most refused first
     */
    List<Offender> topOffenders(String limiter, int count);

    /**
     * {@link #topOffenders(String, int)} over every limiter of the application, most first.
     *
     * @param count how many offenders at most
     * @return the offenders, most refused first
     */
    List<Offender> topOffenders(int count);

    /**
     * One partition's refusals.
     *
     * @param limiter        the limiter that refused it
     * @param partition      its hash, or the caller's value in clear (see above)
     * @param currentPeriod  refusals in the current period so far
     * @param previousPeriod refusals in the previous period
     */
    record Offender(String limiter, String partition, long currentPeriod, long previousPeriod) {

        /**
         * Refusals in both periods.
         *
         * @return the sum of both periods' refusals
         */
        public long total() {
            return currentPeriod + previousPeriod;
        }
    }
}
