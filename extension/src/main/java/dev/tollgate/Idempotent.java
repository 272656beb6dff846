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
 * and by caller principal.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Idempotent {

    /**
     * How long a completed result is kept and replayed, in {@link #ttlUnit()}s. Default 24.
     *
     * <p>Must be {@code > 0}, and {@code ttl × ttlUnit} must be between 1 second and 366 days; anything else fails
     * the deployment.
     */
    @Nonbinding
    long ttl() default 24;

    /**
     * Unit of {@link #ttl()}. Default {@link ChronoUnit#HOURS}.
     *
     * <p>Must be one of {@code SECONDS}, {@code MINUTES}, {@code HOURS}, {@code HALF_DAYS}, {@code DAYS} or
     * {@code WEEKS}; other units fail the deployment.
     */
    @Nonbinding
    ChronoUnit ttlUnit() default ChronoUnit.HOURS;
}
