package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives concurrency permits back to Redis: one {@code concurrency_release.lua} per batch of calls, through a
 * {@link CallBatcher} of its own (one per slot on a Redis Cluster), so that under load the calls ending while others'
 * releases are on their way share a round trip, as decisions do. Measured in {@code benchmarks/}: a lone
 * {@code ZREM} per call made an acquire and release cost about four times a decision.
 */
final class ConcurrencyReleases {

    /** The script's resource, next to this class; also what a failure to run it is reported as. */
    static final String RESOURCE = "concurrency_release.lua";

    /** One limit's permits to give back: its key and the script's argument for it, {@code <cost>:<holder>}. */
    record Release(String key, String permits) {
    }

    private final LuaScript script;
    private final boolean cluster;
    private final boolean batching;
    private final int maxInFlight;
    private final int maxBatch;
    private final Duration timeout;
    private final CallBatcher<Release, Long> server;
    private final Map<Integer, CallBatcher<Release, Long>> slots = new ConcurrentHashMap<>();

    /** {@code batching} false: each release is a script call of its own, sent at once (for measurements). */
    ConcurrencyReleases(RedissonClient client, Duration timeout, BackendCircuit circuit, boolean cluster,
                        boolean batching, int maxInFlight, int maxBatch) {
        this.script = new LuaScript(client, RESOURCE, timeout, circuit);
        this.cluster = cluster;
        this.batching = batching;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
        this.server = cluster || !batching ? null : batcher();
    }

    /**
     * Submits {@code request}'s permits (its key is {@code key}) without waiting: the future completes with how many
     * were given back, or with the failure of its batch. The caller bounds its own wait.
     */
    CompletableFuture<Long> release(LimitRequest request, String key) {
        String permits = request.cost() + ":" + request.holder();
        if (!batching) {
            return send(List.of(new Release(key, permits))).thenApply(released -> released.get(0));
        }
        CallBatcher<Release, Long> batcher = cluster
                ? slots.computeIfAbsent(RedisRateLimitBackend.slot(RateLimitKeys.hashTag(request.partition())),
                        slot -> batcher())
                : server;
        return batcher.submit(new Release(key, permits));
    }

    private CallBatcher<Release, Long> batcher() {
        return new CallBatcher<>(this::send, maxInFlight, maxBatch, timeout);
    }

    private CompletableFuture<List<Long>> send(List<Release> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        Object[] args = new Object[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            keys.add(batch.get(i).key());
            args[i] = batch.get(i).permits();
        }
        return script.runAsync(keys, args).thenApply(reply -> {
            List<Long> released = new ArrayList<>(reply.size());
            for (Object value : reply) {
                released.add(((Number) value).longValue());
            }
            return released;
        });
    }
}
