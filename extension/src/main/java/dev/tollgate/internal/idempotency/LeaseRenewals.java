package dev.tollgate.internal.idempotency;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Renews the leases of running calls, a third of a lease apart, so that a call's key stays claimed however long
 * it runs while its instance lives, and is free one lease after the instance died. One daemon thread, started on
 * the first claim: renewals are one short store call each.
 */
final class LeaseRenewals implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseRenewals.class.getName());

    private final long leaseMillis;
    private ScheduledExecutorService scheduler;
    private boolean closed;

    LeaseRenewals(long leaseMillis) {
        this.leaseMillis = leaseMillis;
    }

    long leaseMillis() {
        return leaseMillis;
    }

    /** Starts renewing {@code claim}'s lease until the returned future is cancelled or the claim is lost. */
    ScheduledFuture<?> start(HeldClaim claim) {
        long period = Math.max(1, leaseMillis / 3);
        return scheduler().scheduleAtFixedRate(() -> renew(claim), period, period, TimeUnit.MILLISECONDS);
    }

    private void renew(HeldClaim claim) {
        try {
            if (!claim.renew(leaseMillis)) {
                // Completed or released meanwhile (the cancel is on its way), or the lease ran out and another
                // call claimed the key: either way there is nothing left to keep.
                claim.stopRenewing();
            }
        } catch (RuntimeException e) {
            // A store that does not answer now may answer at the next period, still within the lease.
            LOG.log(Level.FINE, "Tollgate: could not renew an idempotency lease", e);
        }
    }

    private synchronized ScheduledExecutorService scheduler() {
        if (closed) {
            throw new IllegalStateException("Tollgate's lease renewals are closed: the application is stopping");
        }
        if (scheduler == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "tollgate-lease-renewal");
                thread.setDaemon(true);
                return thread;
            });
            // Most renewals are cancelled long before they first run (a call is usually much shorter than a third
            // of a lease); without this, each would stay queued until its delay passed, and a busy instance would
            // hold hundreds of thousands of dead tasks (seen in the IdempotentCalls benchmark).
            executor.setRemoveOnCancelPolicy(true);
            scheduler = executor;
        }
        return scheduler;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
