package dev.tollgate;

import jakarta.ejb.ApplicationException;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown instead of calling a {@link RateLimit}ed method when a permit is not available.
 *
 * <p>JAX-RS resources turn it into {@code 429 Too Many Requests} with a {@code Retry-After} header. Other callers
 * (EJBs, CDI beans) receive it and may wait {@link #retryAfter()} before trying again.
 *
 * <p>It is an EJB application exception, so an EJB's caller receives it as is rather than wrapped in an
 * {@code EJBException}; it does not roll back the caller's transaction, since the refused method never ran.
 */
@ApplicationException(inherited = true, rollback = false)
public class RateLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The name of the limiter that refused the call. */
    private final String limiter;
    /** How long until a call of the same cost may be permitted. */
    private final Duration retryAfter;

    /**
     * A refusal by {@code limiter}.
     *
     * @param limiter    name of the limiter that refused the call; not {@code null}
     * @param retryAfter how long until a call of the same cost may be permitted; not {@code null} nor negative
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public RateLimitExceededException(String limiter, Duration retryAfter) {
        super("Rate limit exceeded for " + Objects.requireNonNull(limiter, "limiter")
                + "; retry after " + Objects.requireNonNull(retryAfter, "retryAfter").toMillis() + " ms");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
        }
        this.limiter = limiter;
        this.retryAfter = retryAfter;
    }

    /**
     * The name of the limiter that refused the call.
     *
     * @return the limiter's name
     */
    public String limiter() {
        return limiter;
    }

    /**
     * How long until a call of the same cost may be permitted, measured when the call was refused. Never negative;
     * other callers may take the freed permits first.
     *
     * @return the wait before a retry
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
