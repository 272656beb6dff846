package dev.tollgate.internal.idempotency;

/**
 * Ends a {@link HeldClaim} once both of what it waits for are known: the call's outcome (a result to store, or
 * nothing, which frees the key) and, when the call ran inside a transaction, that transaction's end. A result is
 * stored only after a commit; a rollback frees the key whatever the call returned. The two may arrive in either
 * order and on any thread: a stage completes on another thread, and a transaction the call joined commits after
 * the call returned.
 */
final class ClaimFinisher {

    private final HeldClaim claim;
    private final long ttlMillis;
    private boolean inTransaction;
    private Boolean committed;
    private boolean outcomeKnown;
    private StoredResult outcome;

    ClaimFinisher(HeldClaim claim, long ttlMillis) {
        this.claim = claim;
        this.ttlMillis = ttlMillis;
    }

    /** Called on the call's thread once the method returned or threw: follows the transaction active there. */
    void followTransaction(Transactions transactions) {
        synchronized (this) {
            inTransaction = true;
        }
        boolean active = transactions.afterCompletion(this::transactionEnded);
        synchronized (this) {
            inTransaction = active;
        }
        settle();
    }

    /** The call's outcome: {@code result} to store, or {@code null} to free the key. */
    void finish(StoredResult result) {
        synchronized (this) {
            outcome = result;
            outcomeKnown = true;
        }
        settle();
    }

    private void transactionEnded(boolean commit) {
        synchronized (this) {
            committed = commit;
        }
        settle();
    }

    private void settle() {
        StoredResult result;
        synchronized (this) {
            if (Boolean.FALSE.equals(committed)) {
                result = null;
            } else if (outcomeKnown && (!inTransaction || Boolean.TRUE.equals(committed))) {
                result = outcome;
            } else {
                return;
            }
        }
        // Both are once-only: whichever of the racing settles comes second does nothing.
        if (result == null) {
            claim.release();
        } else {
            claim.complete(result, ttlMillis);
        }
    }
}
