package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.lease.LeaseRenewals;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A key this instance claimed for one call: renewed while the call runs, then either completed with the call's
 * result or released, exactly once. A store that fails to complete or release is logged, not thrown: the call has
 * run and its caller gets its answer; the lease then runs out and a retry runs the method again (the only way a
 * call may run twice, and only when the store failed).
 */
public final class HeldClaim {

    private static final Logger LOG = Logger.getLogger(HeldClaim.class.getName());

    private final IdempotencyStore store;
    private final String scope;
    private final String key;
    private final String owner;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile LeaseRenewals.Renewal renewal;

    HeldClaim(IdempotencyStore store, String scope, String key, String owner) {
        this.store = store;
        this.scope = scope;
        this.key = key;
        this.owner = owner;
    }

    void renewWith(LeaseRenewals renewals, long leaseMillis) {
        // Completed or released meanwhile (the stop is on its way), or the lease ran out and another call claimed
        // the key: either way renew answers false, and there is nothing left to keep.
        renewal = renewals.start(() -> !finished.get() && store.renew(key, owner, leaseMillis), leaseMillis);
        if (finished.get()) {
            stopRenewing();
        }
    }

    void stopRenewing() {
        LeaseRenewals.Renewal current = renewal;
        if (current != null) {
            current.stop();
        }
    }

    /** Whether the claim was neither completed nor released yet. */
    public boolean held() {
        return !finished.get();
    }

    /** Stores {@code result} for {@code ttlMillis}; does nothing if the claim was already finished. */
    public void complete(StoredResult result, long ttlMillis) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        stopRenewing();
        try {
            if (!store.complete(key, owner, result.encode(), ttlMillis)) {
                LOG.warning(() -> "Tollgate: the idempotency claim on " + scope + " had expired before the call"
                        + " completed (another call may have claimed the key); its result was not stored");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Tollgate: could not store the result of an idempotent call on " + scope
                    + "; a retry after the lease will run it again", e);
        }
    }

    /** Deletes the claim so that a retry runs; does nothing if the claim was already finished. */
    public void release() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        stopRenewing();
        try {
            store.release(key, owner);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Tollgate: could not release an idempotency claim on " + scope
                    + "; a retry must wait for its lease to run out", e);
        }
    }
}
