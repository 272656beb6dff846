package dev.tollgate.internal.idempotency;

import jakarta.ejb.ApplicationException;

/**
 * The request's idempotency key is missing where required, or malformed. Nothing ran; JAX-RS callers get
 * {@code 400} with the reason. The message is safe to show the client: it names the rule, never the stored data.
 */
@ApplicationException(inherited = true, rollback = false)
public class InvalidIdempotencyKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidIdempotencyKeyException(String reason) {
        super(reason);
    }
}
