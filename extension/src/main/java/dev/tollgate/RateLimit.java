package dev.tollgate;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * Limits how often the annotated method (or every business method of the annotated class) may be called.
 *
 * <p>Each annotation is one <em>limit</em>: at most {@link #limit()} permits per {@link #window()} ×
 * {@link #windowUnit()}, counted per partition ({@link #key()}) by the chosen {@link #algorithm()}. A call
 * takes {@link #cost()} permits. When a permit is not available the call is not made and
 * {@link RateLimitExceededException} is thrown (HTTP 429 for JAX-RS resources).
 *
 * <p>The annotation is repeatable: several limits on one method are decided together, all or nothing, so a call
 * rejected by one limit consumes nothing from the others. Annotations on a method replace those on its class.
 *
 * <p>Every member may be overridden without recompiling, through MicroProfile Config. Values are resolved and
 * validated once, when the application is deployed; an invalid value fails the deployment with a message that
 * names the member, the method and the value.
 */
@InterceptorBinding
@Inherited
@Documented
@Repeatable(RateLimit.List.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RateLimit {

    /**
     * The limiter's name. Methods whose limits share a name share their counters.
     *
     * <p>Default {@code ""}: {@code <fully qualified class name>/<method name>}. Otherwise 1 to 200 characters
     * from {@code [A-Za-z0-9._:/$-]}; anything else fails the deployment.
     *
     * @return the limiter's name, or {@code ""} for the default
     */
    @Nonbinding
    String name() default "";

    /**
     * Permits per window (for {@link Algorithm#TOKEN_BUCKET}: permits added per window; for {@link Algorithm#GCRA}: one
     * permit every {@code window / limit}; for {@link Algorithm#CONCURRENCY}: calls running at once).
     *
     * <p>Must be {@code > 0}; {@code 0} or less fails the deployment.
     *
     * @return the permits per window (calls at once for {@code CONCURRENCY})
     */
    @Nonbinding
    long limit();

    /**
     * Length of the window, in {@link #windowUnit()}s. Default 1. For {@link Algorithm#CONCURRENCY}: the lease of a
     * permit, at least one second.
     *
     * <p>Must be {@code > 0}, and {@code window × windowUnit} must be between 1 millisecond and 366 days;
     * anything else fails the deployment.
     *
     * @return the window's length in {@link #windowUnit()}s
     */
    @Nonbinding
    long window() default 1;

    /**
     * Unit of {@link #window()}. Default {@link ChronoUnit#MINUTES}.
     *
     * <p>Must be one of {@code MILLIS}, {@code SECONDS}, {@code MINUTES}, {@code HOURS}, {@code HALF_DAYS},
     * {@code DAYS} or {@code WEEKS}; months and longer have no fixed length and fail the deployment, as do units
     * shorter than a millisecond.
     *
     * @return the unit of {@link #window()}
     */
    @Nonbinding
    ChronoUnit windowUnit() default ChronoUnit.MINUTES;

    /**
     * How permits are counted. Default {@link Algorithm#FIXED_WINDOW}.
     *
     * @return the algorithm
     */
    @Nonbinding
    Algorithm algorithm() default Algorithm.FIXED_WINDOW;

    /**
     * Capacity of a {@link Algorithm#TOKEN_BUCKET}, tolerance of a {@link Algorithm#GCRA}: how many permits may be
     * taken at once after a quiet period.
     *
     * <p>Default {@code 0}, meaning "equal to {@link #limit()}". Must be {@code >= 0}. Only {@code TOKEN_BUCKET}
     * and {@code GCRA} have a burst; a non-zero value with another algorithm fails the deployment. For
     * {@code GCRA}, {@code burst × window} (in milliseconds) must be at most 2<sup>50</sup>, or the deployment
     * fails.
     *
     * @return the burst, or {@code 0} for {@link #limit()}
     */
    @Nonbinding
    long burst() default 0;

    /**
     * Permits one call takes. Default 1.
     *
     * <p>Must be {@code >= 1} and no more than the limit's capacity ({@link #limit()}, or {@link #burst()} for a
     * token bucket or a GCRA), since a larger cost could never be permitted; anything else fails the deployment.
     *
     * @return the permits one call takes
     */
    @Nonbinding
    long cost() default 1;

    /**
     * What the limit is counted per (the partition). Default {@code ""}: one limit shared by all callers.
     *
     * <ul>
     *   <li>{@code principal}: the caller's principal name;</li>
     *   <li>{@code ip}: the client address ({@code Forwarded} / {@code X-Forwarded-For} are honoured only when
     *       the request comes from a proxy listed in {@code tollgate.trusted-proxies});</li>
     *   <li>{@code header:<Name>}: a request header;</li>
     *   <li>{@code param:<name>} or {@code param:<name>.<property>}: a method parameter, or a property of it;</li>
     *   <li>the fully qualified name of a class implementing {@code dev.tollgate.spi.PartitionKeyResolver}.</li>
     * </ul>
     *
     * <p>Anything else fails the deployment. A caller whose partition value is missing is counted in one shared
     * "unknown" partition of that limit, so a missing value never lets a caller escape the limit.
     *
     * @return the partition key source, or {@code ""} for one shared limit
     */
    @Nonbinding
    String key() default "";

    /**
     * Whether the limit applies. Default {@code true}. {@code false} (typically set through configuration) removes
     * the limit, as if the annotation were absent.
     *
     * @return whether the limit applies
     */
    @Nonbinding
    boolean enabled() default true;

    /**
     * Shadow mode: decide and report (headers, metrics, log) but never refuse a call. Default {@code false}.
     * Use it to try a new limit on live traffic before enforcing it.
     *
     * @return whether the limit only reports and never refuses
     */
    @Nonbinding
    boolean shadow() default false;

    /**
     * How long a call may wait for a permit before it is refused, in {@link #maxWaitUnit()}s. Default 0: refuse at
     * once. The wait is spent only when the permit is due within it (per the limit's retry-after), so a call never
     * waits in vain.
     *
     * <p>Must be {@code >= 0} and at most 60 seconds in total; anything else fails the deployment.
     *
     * @return the longest wait for a permit, in {@link #maxWaitUnit()}s
     */
    @Nonbinding
    long maxWait() default 0;

    /**
     * Unit of {@link #maxWait()}. Default {@link ChronoUnit#MILLIS}; {@code MILLIS}, {@code SECONDS} or {@code MINUTES}.
     *
     * @return the unit of {@link #maxWait()}
     */
    @Nonbinding
    ChronoUnit maxWaitUnit() default ChronoUnit.MILLIS;

    /**
     * Whether the caller's tier picks the limit. Default {@code false}. When {@code true}, the permits per window
     * come from {@code tollgate.tier.<tier>.limit} for the caller's tier (see {@code tollgate.tiers}), and
     * {@link #limit()} applies to callers of a tier with no configured limit. The window, algorithm and key stay
     * those of the annotation.
     *
     * @return whether the caller's tier picks the limit
     */
    @Nonbinding
    boolean tiered() default false;

    /**
     * What a call gets while Redis cannot decide: it did not answer within {@code tollgate.redis.command-timeout}, refused
     * the connection, or the circuit breaker is open after repeated failures. Default {@link FailureMode#LOCAL}.
     * Has no effect without Redis ({@code tollgate.redis.address} unset): the in-memory backend does not fail.
     *
     * @return the failure mode
     */
    @Nonbinding
    FailureMode failureMode() default FailureMode.LOCAL;

    /**
     * Permit leasing for hot partitions. Default {@code false}. When {@code true} and the limits are kept in Redis,
     * each instance takes a batch of permits from Redis in one script call (a lease, sized from what remains and how
     * many instances are taking) and admits calls from it locally, without a round trip per call. Permits are
     * consumed in Redis when leased, so the limit is never exceeded; the cost is some under-admission (permits leased
     * but not spent when a window ends or an instance stops), and headers report what the instance knows (its unspent
     * permits plus what Redis had left at its last lease). A {@code FIXED_WINDOW} lease ends with its window, a
     * {@code TOKEN_BUCKET} lease after at most one second; unspent permits are given back where the algorithm allows.
     * Without Redis it has no effect: the in-memory backend decides locally already.
     *
     * <p>Only {@link Algorithm#FIXED_WINDOW} and {@link Algorithm#TOKEN_BUCKET} can be leased; {@code true} on any other
     * algorithm fails the deployment.
     *
     * @return whether permits are leased in batches
     */
    @Nonbinding
    boolean leasing() default false;

    /** How a limit counts permits. */
    enum Algorithm {
        /**
         * A counter per window, windows aligned to the epoch in UTC (a one-day window resets at 00:00 UTC).
         * Cheapest; allows up to twice the limit across a window boundary.
         */
        FIXED_WINDOW,
        /**
         * An exact log of the permits taken in the last window. Never admits more than the limit in any window
         * of the given length; memory grows with the limit.
         */
        SLIDING_WINDOW,
        /**
         * A bucket of {@link #burst()} tokens refilled at {@link #limit()} per window: allows short bursts while
         * holding the long-run rate.
         */
        TOKEN_BUCKET,
        /**
         * The generic cell rate algorithm: one theoretical arrival time per partition, advanced by
         * {@link #window()} / {@link #limit()} per permit. Admits {@link #burst()} permits at once after a quiet
         * period and {@link #limit()} per window in the long run, like a token bucket, in constant memory (one
         * number), with an exact retry-after.
         */
        GCRA,
        /**
         * How many calls of a partition may run <em>at once</em>, across all instances: {@link #limit()} permits,
         * each taken when a call starts and given back when it ends (it returns, throws, or the stage it returned
         * completes). {@link #window()} is the permit's lease: a running call renews it every third of a lease, and a
         * permit whose holder died (its instance stopped) is freed one lease after its last renewal. The lease must
         * be at least one second. A refused call is told to retry after one second; {@link #maxWait()} waits for a
         * permit to be given back.
         */
        CONCURRENCY
    }

    /** What a limit decides while its backend (Redis) is unavailable. */
    enum FailureMode {
        /**
         * Decide on this instance, with the in-memory backend, the same algorithm and the same settings, scaled by
         * {@code tollgate.ratelimit.local-share} (default 1.0). Every instance then limits on its own, so N
         * instances admit up to N times the limit (or N × share × limit) while Redis is away. Calls are refused
         * with 429 as usual when the local limit runs out.
         */
        LOCAL,
        /** Let the call through without counting it against the limit (counted in metrics). */
        ALLOW,
        /**
         * Refuse the call: HTTP {@code 503} with {@code Retry-After} and a problem+json body. Once the circuit
         * breaker is open, refusals are answered without waiting for Redis.
         */
        REJECT
    }

    /** Container of repeated {@link RateLimit}s; not used directly. */
    @Inherited
    @Documented
    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @interface List {
        /**
         * The limits.
         *
         * @return the limits
         */
        @Nonbinding
        RateLimit[] value();
    }
}
