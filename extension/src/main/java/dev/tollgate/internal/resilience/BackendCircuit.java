package dev.tollgate.internal.resilience;

import dev.tollgate.internal.metrics.GuardMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The guard around every call Tollgate makes to one Redis connection, shared by both guards: times each call, counts
 * its failures, and keeps a circuit breaker (resilience4j's {@link CircuitBreaker}) that, after repeated failures,
 * refuses calls at once for a cool-off ({@link CircuitOpenException}), so that no request thread waits for a dead or
 * frozen Redis. After the cool-off one call is let through as a probe: its success closes the breaker, its failure
 * opens it again. Every transition is logged once; calls are never logged one by one.
 *
 * <p>resilience4j rather than a breaker of our own: its count-based window, half-open probe and state machine are
 * what is needed, it is small (two jars, about 190 kB, with slf4j, which Redisson already brings), and it is well
 * kept.
 */
public final class BackendCircuit {

    /** Values of the {@link GuardMetrics#BREAKER_STATE} gauge. */
    public static final int CLOSED = 0;
    public static final int OPEN = 1;
    public static final int HALF_OPEN = 2;

    private static final Logger LOG = Logger.getLogger(BackendCircuit.class.getName());

    private final String backend;
    private final BreakerSettings settings;
    private final CircuitBreaker breaker;
    private final GuardMetrics metrics;
    private volatile long openedAtNanos;

    /**
     * @param backend  the backend's name, for logs ({@code redis})
     * @param settings when the breaker opens; a disabled breaker never opens, but calls are still timed and counted
     * @param metrics  where call latencies and failures are recorded
     */
    public BackendCircuit(String backend, BreakerSettings settings, GuardMetrics metrics) {
        this.backend = backend;
        this.settings = settings;
        this.metrics = metrics;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindow(settings.windowCalls(), settings.minimumCalls(), SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                // Failures are reported by hand (failed()), each one a store that did not answer.
                .recordException(failure -> true)
                .build();
        this.breaker = CircuitBreaker.of("tollgate-" + backend, config);
        if (!settings.enabled()) {
            breaker.transitionToDisabledState();
        }
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
            }
            logTransition(to);
        });
    }

    /** A circuit that never opens and records nothing: for backends used outside a deployment (tests, benchmarks). */
    public static BackendCircuit none() {
        return new BackendCircuit("none", BreakerSettings.DEFAULTS.disabled(), GuardMetrics.NONE);
    }

    /**
     * Asks to make one call: returns the call's start (for {@link #succeeded} or {@link #failed}, one of which must
     * follow, or {@link #abandoned}).
     *
     * @throws CircuitOpenException at once, if the breaker is open (or half-open with its probe under way)
     */
    public long permit() {
        if (!breaker.tryAcquirePermission()) {
            throw new CircuitOpenException("Tollgate's circuit breaker for " + backend + " is open after repeated"
                    + " failures; not calling " + backend + " until its cool-off of " + settings.openFor().toMillis()
                    + " ms has passed", retryAfterSeconds());
        }
        return System.nanoTime();
    }

    /** The permitted call got an answer. */
    public void succeeded(long start) {
        long nanos = System.nanoTime() - start;
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        metrics.recordBackendCall(nanos, false);
    }

    /** The permitted call got no answer (timeout, refused connection, error from the server). */
    public void failed(long start, Throwable failure) {
        long nanos = System.nanoTime() - start;
        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
        metrics.recordBackendCall(nanos, true);
    }

    /** The permitted call was given up for a reason that says nothing of the backend (the caller was interrupted). */
    public void abandoned() {
        breaker.releasePermission();
    }

    /** {@link #CLOSED}, {@link #OPEN} or {@link #HALF_OPEN}; a disabled breaker is always closed. */
    public int state() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> OPEN;
            case HALF_OPEN -> HALF_OPEN;
            default -> CLOSED;
        };
    }

    /** The state as a word for health reports: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
    public String stateName() {
        return switch (state()) {
            case OPEN -> "OPEN";
            case HALF_OPEN -> "HALF_OPEN";
            default -> "CLOSED";
        };
    }

    public BreakerSettings settings() {
        return settings;
    }

    /** What is left of the cool-off, rounded up to whole seconds, at least 1. */
    private long retryAfterSeconds() {
        long left = settings.openFor().toNanos() - (System.nanoTime() - openedAtNanos);
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L));
    }

    private void logTransition(CircuitBreaker.State to) {
        LOG.log(to == CircuitBreaker.State.OPEN ? Level.WARNING : Level.INFO,
                () -> "Tollgate: circuit breaker for " + backend + " " + describe(to));
    }

    private String describe(CircuitBreaker.State to) {
        return switch (to) {
            case OPEN -> "OPEN: " + backend + " failed repeatedly (failure rate "
                    + Math.round(breaker.getMetrics().getFailureRate()) + "% of the last "
                    + breaker.getMetrics().getNumberOfBufferedCalls() + " calls); for "
                    + settings.openFor().toMillis() + " ms no call waits for " + backend
                    + ": rate limits decide by their failureMode (LOCAL, ALLOW or REJECT), idempotent calls by theirs"
                    + " (REJECT or EXECUTE)";
            case HALF_OPEN -> "HALF_OPEN: cool-off over, the next call probes " + backend;
            case CLOSED -> "CLOSED: " + backend + " answered the probe; decisions are back on " + backend;
            default -> to.name();
        };
    }
}
