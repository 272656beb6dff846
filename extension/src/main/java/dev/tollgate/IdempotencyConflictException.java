package dev.tollgate;

import jakarta.ejb.ApplicationException;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown instead of calling an {@link Idempotent} method when another call with the same key is still running.
 * Nothing ran; the caller may retry after {@link #retryAfter()} and will then get the first call's result.
 *
 * <p>JAX-RS resources turn it into {@code 409 Conflict} with {@code Retry-After}. An EJB application exception that
 * does not roll back the caller's transaction.
 */
@ApplicationException(inherited = true, rollback = false)
public class IdempotencyConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How long to wait before retrying. */
    private final Duration retryAfter;

    /**
     * A conflict with a call in progress.
     *
     * @param scope      the key's scope (method or name), for the message
     * @param retryAfter a sensible wait before retrying; not negative
     */
    public IdempotencyConflictException(String scope, Duration retryAfter) {
        super("A call with the same idempotency key is in progress on " + Objects.requireNonNull(scope, "scope")
                + "; retry after " + Objects.requireNonNull(retryAfter, "retryAfter").toMillis() + " ms");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /**
     * How long to wait before retrying.
     *
     * @return the wait before a retry
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
