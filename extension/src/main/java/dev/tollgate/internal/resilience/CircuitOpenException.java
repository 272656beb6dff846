package dev.tollgate.internal.resilience;

/**
 * The circuit breaker in front of the backend is open: the call was not sent, and nothing was decided. Thrown at
 * once, without waiting for the backend.
 */
public class CircuitOpenException extends BackendUnavailableException {

    private static final long serialVersionUID = 1L;

    public CircuitOpenException(String message, long retryAfterSeconds) {
        super(message, null, retryAfterSeconds);
    }
}
