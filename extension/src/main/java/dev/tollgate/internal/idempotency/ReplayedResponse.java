package dev.tollgate.internal.idempotency;

/**
 * Thrown by the interceptor instead of running a JAX-RS resource method whose key completed before: a resource
 * method may return any type, so the stored response cannot be returned from it, and travels to its exception
 * mapper instead. Carries no stack trace: it is control flow, not an error.
 */
public final class ReplayedResponse extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient StoredResult stored;

    public ReplayedResponse(StoredResult stored) {
        super("replay of a stored response", null, false, false);
        this.stored = stored;
    }

    public StoredResult stored() {
        return stored;
    }
}
