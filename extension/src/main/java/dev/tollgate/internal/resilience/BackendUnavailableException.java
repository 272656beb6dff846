package dev.tollgate.internal.resilience;

import jakarta.ejb.ApplicationException;

/**
 * A backend's store did not answer in time, refused the connection, or is behind an open circuit breaker. Nothing
 * was decided. What the call gets then is the guard's failure mode ({@code RateLimit.failureMode},
 * {@code Idempotent.failureMode}); where that is to refuse, JAX-RS callers get {@code 503} with
 * {@link #retryAfterSeconds()}. An EJB application exception, so that it reaches the resource that called the EJB
 * unwrapped.
 */
@ApplicationException(inherited = true, rollback = false)
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    public BackendUnavailableException(String message, Throwable cause) {
        this(message, cause, 1);
    }

    protected BackendUnavailableException(String message, Throwable cause, long retryAfterSeconds) {
        super(message, cause);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** When a retry may find the store back, in whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
