package dev.tollgate.internal.lease;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Renews the leases of running calls, a third of a lease apart, so that what a call holds stays held however long
 * it runs while its instance lives, and is free one lease after the instance died. One daemon thread, started on
 * the first lease: renewals are one short store call each.
 */
public final class LeaseRenewals implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseRenewals.class.getName());

    private final String what;
    private ScheduledExecutorService scheduler;
    private boolean closed;

    /** @param what what the leases hold, for logs ("an idempotency lease") */
    public LeaseRenewals(String what) {
        this.what = what;
    }

    /** Something held under a lease. */
    @FunctionalInterface
    public interface Lease {
        /**
         * Starts the lease again from now.
         *
         * @return {@code false} when nothing is left to keep (released meanwhile, or the lease ran out and the
         *         store freed it): renewals stop
         * @throws RuntimeException when the store did not answer: renewals go on, since the store may answer at the
         *                          next period, still within the lease
         */
        boolean renew();
    }

    /** Renewals of one lease, until {@link #stop()}. */
    public static final class Renewal {

        private volatile ScheduledFuture<?> task;
        private volatile boolean stopped;

        /** Stops renewing. Idempotent; may be called before the first renewal, or from the renewal itself. */
        public void stop() {
            stopped = true;
            ScheduledFuture<?> current = task;
            if (current != null) {
                current.cancel(false);
            }
        }

        private void started(ScheduledFuture<?> future) {
            task = future;
            if (stopped) {
                future.cancel(false);
            }
        }
    }

    /** Starts renewing {@code lease}, which lasts {@code leaseMillis}, every third of it. */
    public Renewal start(Lease lease, long leaseMillis) {
        long period = Math.max(1, leaseMillis / 3);
        Renewal renewal = new Renewal();
        renewal.started(scheduler().scheduleAtFixedRate(() -> renew(lease, renewal), period, period,
                TimeUnit.MILLISECONDS));
        return renewal;
    }

    private void renew(Lease lease, Renewal renewal) {
        if (renewal.stopped) {
            return;
        }
        try {
            if (!lease.renew()) {
                renewal.stop();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Tollgate: could not renew " + what);
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
