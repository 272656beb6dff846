package dev.tollgate.internal.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * When the circuit breaker in front of Redis opens and for how long: the {@code tollgate.redis.breaker.*} settings,
 * resolved once.
 *
 * @param enabled            whether there is a breaker at all; without one, every call waits for Redis up to the
 *                           command timeout, however many failed before it
 * @param failureRatePercent the share of failed calls, among the last {@code windowCalls}, that opens the breaker,
 *                           in {@code [1, 100]}; a timeout is a failure
 * @param windowCalls        how many of the most recent calls the failure rate is measured over, {@code >= 1}
 * @param minimumCalls       how many calls the window must hold before the rate counts, in
 *                           {@code [1, windowCalls]}
 * @param openFor            the cool-off: how long an open breaker lets no call reach Redis before one probe may,
 *                           {@code > 0}
 */
public record BreakerSettings(boolean enabled, int failureRatePercent, int windowCalls, int minimumCalls,
                              Duration openFor) {

    public static final int DEFAULT_FAILURE_RATE_PERCENT = 50;
    public static final int DEFAULT_WINDOW_CALLS = 10;
    public static final int DEFAULT_MINIMUM_CALLS = 5;
    /**
     * Three seconds: short enough that decisions are back on Redis well within five seconds of its return (one
     * cool-off and one probe), long enough that a Redis that is still away costs one probe's wait every few seconds
     * instead of a wait per call.
     */
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(3);

    public static final BreakerSettings DEFAULTS = new BreakerSettings(true, DEFAULT_FAILURE_RATE_PERCENT,
            DEFAULT_WINDOW_CALLS, DEFAULT_MINIMUM_CALLS, DEFAULT_OPEN_FOR);

    public BreakerSettings {
        Objects.requireNonNull(openFor, "openFor");
        if (failureRatePercent < 1 || failureRatePercent > 100) {
            throw new IllegalArgumentException("failureRatePercent must be in [1, 100], was " + failureRatePercent);
        }
        if (windowCalls < 1) {
            throw new IllegalArgumentException("windowCalls must be >= 1, was " + windowCalls);
        }
        if (minimumCalls < 1 || minimumCalls > windowCalls) {
            throw new IllegalArgumentException(
                    "minimumCalls must be in [1, " + windowCalls + "], was " + minimumCalls);
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor must be > 0, was " + openFor);
        }
    }

    /** The same settings with the breaker switched off. */
    public BreakerSettings disabled() {
        return new BreakerSettings(false, failureRatePercent, windowCalls, minimumCalls, openFor);
    }

    @Override
    public String toString() {
        return enabled ? "breaker opens at " + failureRatePercent + "% of the last " + windowCalls + " calls failed"
                + " (at least " + minimumCalls + "), for " + openFor.toMillis() + " ms" : "no breaker";
    }
}
