package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.lease.LeaseRenewals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code CONCURRENCY} permits one admitted call holds: their leases are renewed while the call runs, and they
 * are given back exactly once, when it ends, to the backend that granted them (the shared one, or this instance's
 * while the shared one was unavailable). A backend that fails to take them back is logged, not thrown: the call
 * has run and its caller gets its answer; the permits come back when their lease runs out.
 */
public final class HeldPermits {

    /** A call that holds no permits: giving them back does nothing. */
    public static final HeldPermits NONE = new HeldPermits(null, List.of());

    private static final Logger LOG = Logger.getLogger(HeldPermits.class.getName());
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final RateLimitBackend backend;
    private final List<LimitRequest> held;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile LeaseRenewals.Renewal renewal;

    HeldPermits(RateLimitBackend backend, List<LimitRequest> held) {
        this.backend = backend;
        this.held = List.copyOf(held);
    }

    /** Whether the call holds any permit. */
    public boolean any() {
        return !held.isEmpty();
    }

    /** The permits, one request per {@code CONCURRENCY} limit, each with the call's holder. */
    public List<LimitRequest> held() {
        return held;
    }

    /** Renews the permits' leases with {@code renewals} until they are given back. */
    void renewWith(LeaseRenewals renewals) {
        if (held.isEmpty()) {
            return;
        }
        long lease = Long.MAX_VALUE;
        for (LimitRequest request : held) {
            lease = Math.min(lease, request.policy().windowMillis());
        }
        renewal = renewals.start(this::renew, lease);
        if (released.get()) {
            renewal.stop();
        }
    }

    private boolean renew() {
        if (released.get()) {
            return false;
        }
        if (!backend.renew(held)) {
            LOG.warning(() -> "Tollgate: a concurrency permit of " + held.get(0).limiter() + " was freed while its"
                    + " call still ran (its lease of " + held.get(0).policy().windowMillis() + " ms ran out before a"
                    + " renewal reached the store); the limit may admit one call too many until this one ends");
            return false;
        }
        return true;
    }

    /**
     * Gives the permits back, once (later calls do nothing), without waiting: the future completes when the backend
     * has them back, or has failed to take them (logged); never exceptionally.
     */
    public CompletableFuture<Void> release() {
        if (held.isEmpty() || !released.compareAndSet(false, true)) {
            return DONE;
        }
        LeaseRenewals.Renewal current = renewal;
        if (current != null) {
            current.stop();
        }
        CompletableFuture<Void> given;
        try {
            given = backend.release(held);
        } catch (RuntimeException e) {
            given = CompletableFuture.failedFuture(e);
        }
        return given.handle((nothing, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "Tollgate: could not give back a concurrency permit of "
                        + held.get(0).limiter() + "; it comes back when its lease runs out", failure);
            }
            return null;
        });
    }

    /** Gives the permits back and waits until the backend has them (its own timeout bounds the wait). */
    public void releaseNow() {
        release().join();
    }
}
