package dev.tollgate;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * Makes the annotated method (or every business method of the annotated class) run at most once per
 * idempotency key: a repeated call with the same key gets the first call's result back instead of running again.
 *
 * <p>For JAX-RS resources the key is the {@code Idempotency-Key} request header; for other beans it is the
 * parameter annotated {@link IdempotencyKey}, or else a fingerprint of the arguments. Keys are scoped by method
 * (or {@link #name()}) and by caller principal, and stored hashed.
 *
 * <p>While a call runs, its key is claimed with a lease that is renewed until the call ends; if the instance dies,
 * the lease runs out and a retry may go ahead. A call that throws releases its key (unless its exception is one of
 * {@link #storeFailures()}); inside a JTA transaction the result is stored only once the transaction commits, and a
 * rollback releases the key.
 *
 * <p>Every member may be overridden with MicroProfile Config: {@code <class>/<method>/Idempotent/<member>},
 * {@code <class>/Idempotent/<member>}, then {@code tollgate.idempotency.<member>}.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Idempotent {

    /**
     * The scope of the keys. Default {@code ""}: {@code <class>/<method>}. Methods that share a name share keys: the
     * same key sent to either replays the first call. At most 200 characters from {@code [A-Za-z0-9._:/$-]}.
     *
     * @return the keys' scope, or {@code ""} for the default
     */
    @Nonbinding
    String name() default "";

    /**
     * How long a completed result is kept and replayed, in {@link #ttlUnit()}s. Default 24.
     *
     * <p>Must be {@code > 0}, and {@code ttl × ttlUnit} must be between 1 second and 366 days; anything else fails
     * the deployment.
     *
     * @return how long a result is kept, in {@link #ttlUnit()}s
     */
    @Nonbinding
    long ttl() default 24;

    /**
     * Unit of {@link #ttl()}. Default {@link ChronoUnit#HOURS}.
     *
     * <p>Must be one of {@code SECONDS}, {@code MINUTES}, {@code HOURS}, {@code HALF_DAYS}, {@code DAYS} or
     * {@code WEEKS}; other units fail the deployment.
     *
     * @return the unit of {@link #ttl()}
     */
    @Nonbinding
    ChronoUnit ttlUnit() default ChronoUnit.HOURS;

    /**
     * How long a duplicate waits for the first call with its key to finish before it is refused as a conflict
     * ({@code 409}, or {@link IdempotencyConflictException}), in {@link #maxWaitUnit()}s. Default 0: refuse at once.
     * At most 60 seconds.
     *
     * @return the longest wait for the first call, in {@link #maxWaitUnit()}s
     */
    @Nonbinding
    long maxWait() default 0;

    /**
     * Unit of {@link #maxWait()}: {@code MILLIS}, {@code SECONDS} or {@code MINUTES}. Default seconds.
     *
     * @return the unit of {@link #maxWait()}
     */
    @Nonbinding
    ChronoUnit maxWaitUnit() default ChronoUnit.SECONDS;

    /**
     * JAX-RS only: whether a request must carry an {@code Idempotency-Key} header. Default {@code true}: a request
     * without one is refused with {@code 400}. With {@code false}, such a request's key is a fingerprint of its
     * method, path, query and body, so identical requests run once.
     *
     * @return whether a JAX-RS request must carry an {@code Idempotency-Key}
     */
    @Nonbinding
    boolean keyRequired() default true;

    /**
     * Exceptions that complete the call instead of releasing its key: the failure is stored and replayed (JAX-RS:
     * the mapped response; other callers: the exception is thrown again, rebuilt from its type and message).
     * Subclasses match. Default none: every exception releases the key, so a retry runs the method again.
     *
     * @return the exceptions that are stored and replayed
     */
    @Nonbinding
    Class<? extends Throwable>[] storeFailures() default {};

    /**
     * {@code false} turns the guard off, for example through configuration. Default {@code true}.
     *
     * @return whether the guard applies
     */
    @Nonbinding
    boolean enabled() default true;

    /**
     * What a call gets when the store (Redis) cannot claim its key: it did not answer in time, refused the
     * connection, or the circuit breaker is open. Default {@link FailureMode#REJECT}. A store that fails
     * <em>after</em> the method ran never turns the method's result into an error: the caller gets the result,
     * and since it could not be stored, a retry after the key's lease runs out runs the method again.
     *
     * @return the failure mode
     */
    @Nonbinding
    FailureMode failureMode() default FailureMode.REJECT;

    /** What an idempotent call does while its store is unavailable. */
    enum FailureMode {
        /**
         * Refuse the call without running the method, since running it once only cannot be promised: HTTP
         * {@code 503} with {@code Retry-After} and a problem+json body; other callers get a runtime exception
         * saying that the store is unavailable.
         */
        REJECT,
        /**
         * Run the method without the guarantee: no key is claimed, nothing is stored or replayed, so a retry in
         * that time runs it again. Counted in metrics ({@code tollgate.idempotency.fallbacks.total}).
         */
        EXECUTE
    }
}
