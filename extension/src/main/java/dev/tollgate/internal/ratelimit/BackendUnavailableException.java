package dev.tollgate.internal.ratelimit;

import jakarta.ejb.ApplicationException;

/**
 * A backend's store did not answer in time or refused the connection. Nothing was decided, and the call does not
 * run; JAX-RS callers get {@code 503}. An EJB application exception, so that it reaches the resource that called
 * the EJB unwrapped.
 */
@ApplicationException(inherited = true, rollback = false)
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
