package dev.tollgate.internal.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import org.redisson.api.RedissonClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Permit leasing ({@code @RateLimit(leasing = true)}): this instance's leases of the limits it was asked to lease, one
 * {@link PermitLease} per limit, partition and policy. A leased call costs no round trip while its lease has permits;
 * Redis is asked for a batch ({@code rate_limit_lease.lua}) when it runs low.
 *
 * <p>Permits are consumed in Redis when leased, so no instance ever admits more than Redis granted: the limit is never
 * exceeded. What leasing costs is under-admission: permits leased but not spent when a fixed window ends (the counter
 * is gone with it) are lost. The script keeps that small by leasing at most {@code remaining / (2 × instances)} (the
 * instances that took a lease of the partition in the last {@value #ACTIVE_MILLIS} ms), at most
 * {@value #LARGEST_LEASE}; unspent permits are given back where the algorithm allows: a fixed window's within its window,
 * a token bucket's up to its capacity, when a lease is evicted (idle for {@value #IDLE_MILLIS} ms, or the map is full)
 * and at {@link #close()}.
 *
 * <p>A lease refused by Redis (fewer permits than the call's cost left) is remembered until Redis said more would come
 * (a fixed window's end, the bucket's retry-after): calls of that cost or more are refused here meanwhile. Exact, since
 * only time gives permits back, except for another instance's give-back, which this instance then sees late.
 *
 * <p>Leases are bounded in memory: at most {@value #MAX_LEASES}, each evicted after {@value #IDLE_MILLIS} ms unused.
 * Caffeine's maintenance runs on the calling threads (a Jakarta EE server does not manage threads of ours).
 */
final class PermitLeases implements AutoCloseable {

    /** The most permits one lease takes: bounds what an instance holds, and loses if it stops without giving back. */
    static final long LARGEST_LEASE = 4096;
    /** How long a token bucket lease lasts: a token taken is spent within this, or given back. */
    static final long BUCKET_LEASE_MILLIS = 1000;
    /** How long an instance counts as taking leases of a partition after its last lease. */
    static final long ACTIVE_MILLIS = 10_000;
    /**
     * A lease unused this long is evicted and its unspent permits given back, at the next leased call of this instance
     * (Caffeine's maintenance runs on calling threads; no timer runs).
     */
    static final long IDLE_MILLIS = 2_000;
    /** Leases held at most (each a few hundred bytes); beyond, the least used are evicted and given back. */
    static final long MAX_LEASES = 10_000;

    private final LeaseScript script;
    private final BackendCircuit circuit;
    /** Where leases granted and permits taken back are counted. */
    private final GuardMetrics metrics;
    private final long timeoutMillis;
    /** This instance's id among the lessees of a partition: random, so two instances never share one. */
    private final String instance;
    private final Cache<LeaseKey, PermitLease> leases;
    private final List<CompletableFuture<Long>> givingBack = new ArrayList<>();

    private record LeaseKey(String key, LimitPolicy policy) {
    }

    PermitLeases(RedissonClient client, Duration timeout, BackendCircuit circuit, GuardMetrics metrics) {
        this.script = new LeaseScript(client, timeout, circuit);
        this.circuit = circuit;
        this.metrics = metrics;
        this.timeoutMillis = timeout.toMillis();
        this.instance = randomId();
        this.leases = Caffeine.newBuilder()
                .maximumSize(MAX_LEASES)
                .expireAfterAccess(Duration.ofMillis(IDLE_MILLIS))
                .executor(Runnable::run)
                .removalListener((LeaseKey key, PermitLease lease, RemovalCause cause) -> {
                    if (lease != null) {
                        lease.retire();
                    }
                })
                .build();
    }

    /** Takes {@code request}'s cost from its lease (kept under {@code key} in Redis). */
    PermitLease.Taken take(LimitRequest request, String key) {
        return lease(request, key).take(request.cost());
    }

    /** Permits of {@code request}'s lease unspent here. */
    long unspent(LimitRequest request, String key) {
        PermitLease lease = leases.getIfPresent(new LeaseKey(key, request.policy()));
        return lease == null ? 0 : lease.unspent();
    }

    private PermitLease lease(LimitRequest request, String key) {
        return leases.get(new LeaseKey(key, request.policy()), k -> new PermitLease(this, k.policy(), k.key(),
                request.limiter()));
    }

    /**
     * Sends a lease through the connection's circuit, bounded by the operation timeout.
     *
     * @throws dev.tollgate.internal.resilience.CircuitOpenException at once while the breaker is open
     */
    CompletableFuture<LeaseScript.Reply> lease(String limiter, LimitPolicy policy, String key, long cost) {
        long start = circuit.permit();
        return script.lease(policy, key, cost, instance, LARGEST_LEASE, ACTIVE_MILLIS)
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    if (failure == null) {
                        circuit.succeeded(start);
                        if (reply.granted() > 0) {
                            metrics.recordLease(limiter, reply.granted());
                        }
                    } else {
                        circuit.failed(start, failure);
                    }
                });
    }

    /** Waits for a refill (already bounded by the timeout): its grant, or the failure as Redis being unavailable. */
    LeaseGrant await(CompletableFuture<LeaseGrant> refill) {
        try {
            return refill.get(timeoutMillis + 100, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof BackendUnavailableException unavailable) {
                throw unavailable;
            }
            throw new BackendUnavailableException("Redis failed to run " + LeaseScript.RESOURCE + ": " + cause,
                    cause);
        } catch (TimeoutException e) {
            throw new BackendUnavailableException("Redis did not answer " + LeaseScript.RESOURCE + " within "
                    + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while waiting for a permit lease", e);
        }
    }

    /** Gives unspent permits back to Redis without waiting; a failure loses them (under-admission only). */
    void giveBack(String limiter, LimitPolicy policy, String key, long permits, long window) {
        CompletableFuture<Long> back;
        try {
            back = script.giveBack(policy, key, permits, window).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .whenComplete((taken, failure) -> {
                        // What Redis took back: a fixed window's permits of a window that ended are not.
                        if (taken != null && taken > 0) {
                            metrics.recordReturnedPermits(limiter, taken);
                        }
                    });
        } catch (RuntimeException e) {
            return; // the client is shut down already: the permits stay consumed until the window or bucket says
        }
        synchronized (givingBack) {
            givingBack.removeIf(CompletableFuture::isDone);
            givingBack.add(back);
        }
    }

    /** A lease's duration for {@code policy}'s token bucket: {@value #BUCKET_LEASE_MILLIS} ms, or its window if shorter. */
    long bucketLeaseMillis(LimitPolicy policy) {
        return Math.min(BUCKET_LEASE_MILLIS, policy.windowMillis());
    }

    /** Gives every unspent permit back and waits (at most the operation timeout) for Redis to take them. */
    @Override
    public void close() {
        leases.invalidateAll();
        leases.cleanUp();
        List<CompletableFuture<Long>> pending;
        synchronized (givingBack) {
            pending = new ArrayList<>(givingBack);
            givingBack.clear();
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Redis is unavailable: the permits stay consumed until their window ends or the bucket refills.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomId() {
        byte[] bytes = new byte[9];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
