package dev.tollgate.internal.idempotency;

/**
 * An HTTP request's claim, from the interceptor (which claimed the key and ran the resource method) to the response
 * capture (which stores the response once it is written). Kept as a servlet request attribute, like rate-limit
 * results. A call inside a JTA transaction may complete only once the transaction committed; a rollback releases
 * the claim.
 */
public final class PendingResponse {

    /** The servlet request attribute (and so JAX-RS request property) holding the request's pending response. */
    public static final String ATTRIBUTE = "dev.tollgate.idempotency.pending";

    private final HeldClaim claim;
    private final IdempotentMethod method;
    private final ResponseLimits limits;
    private volatile boolean awaitingCommit;

    public PendingResponse(HeldClaim claim, IdempotentMethod method, ResponseLimits limits) {
        this.claim = claim;
        this.method = method;
        this.limits = limits;
    }

    public ResponseLimits limits() {
        return limits;
    }

    /** Whether the response should still be stored: the claim is held and no transaction is left to commit. */
    public boolean storable() {
        return claim.held() && !awaitingCommit;
    }

    /** The method ran in a transaction: store nothing until {@link #committed(boolean)}. */
    public void awaitCommit() {
        awaitingCommit = true;
    }

    /** The transaction ended: after a commit the response may be stored; a rollback releases the claim. */
    public void committed(boolean committed) {
        if (committed) {
            awaitingCommit = false;
        } else {
            claim.release();
        }
    }

    public void complete(StoredResult result) {
        claim.complete(result, method.settings().ttlMillis());
    }

    /** Frees the key (the request failed, or ended without a stored response). */
    public void release() {
        claim.release();
    }
}
