package dev.tollgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of an {@link Idempotent} CDI bean or EJB method whose value is the idempotency key.
 *
 * <p>At most one parameter of a method may carry it; more fail the deployment. The value's {@code toString()} is
 * the key; a {@code null} or blank value makes the call fail with {@link IllegalArgumentException} before the
 * method runs. Without this annotation, a fingerprint of all the arguments is the key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface IdempotencyKey {
}
