package dev.tollgate;

import jakarta.ejb.ApplicationException;

import java.util.Objects;

/**
 * Thrown instead of calling an {@link Idempotent} method when its key was already used with other arguments (or,
 * over HTTP, another request body): replaying the first result would answer a different request. Nothing ran.
 *
 * <p>JAX-RS resources turn it into {@code 422 Unprocessable Content}. An EJB application exception that does not
 * roll back the caller's transaction.
 */
@ApplicationException(inherited = true, rollback = false)
public class IdempotencyKeyMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param scope the key's scope (method or name), for the message */
    public IdempotencyKeyMismatchException(String scope) {
        super("The idempotency key was already used on " + Objects.requireNonNull(scope, "scope")
                + " with a different request; use a new key for a new request");
    }
}
