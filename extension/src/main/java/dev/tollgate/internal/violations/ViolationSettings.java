package dev.tollgate.internal.violations;

/**
 * {@code tollgate.violations.*}, resolved and validated once at deployment.
 *
 * @param enabled      whether refusals are tracked at all
 * @param periodMillis length of a period (rankings and the persistent-violator threshold), periods aligned to the
 *                     epoch
 * @param top          partitions kept per limiter and period, the most refused
 * @param threshold    a partition refused more than this many times within one period is a persistent violator
 * @param identities   whether partitions are named by the caller's value in clear rather than by their hash
 */
public record ViolationSettings(boolean enabled, long periodMillis, int top, long threshold, boolean identities) {

    public static final long DEFAULT_PERIOD_MILLIS = 60_000;
    public static final int DEFAULT_TOP = 1_000;
    public static final long DEFAULT_THRESHOLD = 100;

    public ViolationSettings {
        if (periodMillis < 1_000) {
            throw new IllegalArgumentException("periodMillis must be at least 1000, was " + periodMillis);
        }
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, was " + top);
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
        }
    }

    /** The defaults: tracking on, one-minute periods, the top 1,000 kept, more than 100 refusals persistent. */
    public static ViolationSettings defaults() {
        return new ViolationSettings(true, DEFAULT_PERIOD_MILLIS, DEFAULT_TOP, DEFAULT_THRESHOLD, false);
    }
}
