package dev.tollgate.internal.ratelimit;

/**
 * A backend's store did not answer in time or refused the connection. Nothing was decided; the caller's
 * failure policy says whether the call proceeds.
 */
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
