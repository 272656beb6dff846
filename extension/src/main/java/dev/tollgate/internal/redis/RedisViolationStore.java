package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.violations.ViolationStore;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Violation rankings in Redis, shared by every instance: per limiter and period one sorted set,
 * {@code <prefix>:violations:{<limiter>}<period>}, a member per partition scored by its refusals. An addition is one
 * {@code violations_add.lua} per limiter and flush (one {@code EVALSHA}): {@code ZINCRBY} per partition, whose
 * answers are the new totals, then {@code ZREMRANGEBYRANK} keeping the {@code top} most refused, and {@code PEXPIRE}
 * of three periods, so that a ranking is forgotten two periods after its own ended. Rankings are read through
 * Redisson's {@code RScoredSortedSet}. (Additions went through it too, as a batch, at first: Redisson sets an expiry
 * with an {@code EVAL} of its own, its script's text sent on every flush, beside the batch.)
 */
public final class RedisViolationStore implements ViolationStore {

    private final RedissonClient client;
    private final LuaScript add;
    private final String keyStart;
    private final int top;
    private final Duration ttl;
    private final BoundedWait wait;

    /**
     * @param top          partitions kept per limiter and period
     * @param periodMillis length of a period
     */
    public RedisViolationStore(RedissonClient client, String keyPrefix, Duration timeout, BackendCircuit circuit,
                               int top, long periodMillis) {
        this.client = client;
        this.add = new LuaScript(client, "violations_add.lua", timeout, circuit);
        this.keyStart = keyPrefix + ":violations:{";
        this.top = top;
        this.ttl = Duration.ofMillis(3 * periodMillis);
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
    }

    /** The ranking's key; the limiter is its hash tag (limiter names never hold braces). */
    String key(String limiter, long period) {
        return keyStart + limiter + "}" + period;
    }

    @Override
    public CompletableFuture<Map<String, Long>> add(String limiter, long period, Map<String, Long> counts) {
        List<String> partitions = new ArrayList<>(counts.keySet());
        Object[] args = new Object[2 + 2 * partitions.size()];
        args[0] = top;
        args[1] = ttl.toMillis();
        for (int i = 0; i < partitions.size(); i++) {
            args[2 + 2 * i] = partitions.get(i);
            args[3 + 2 * i] = counts.get(partitions.get(i));
        }
        return add.runAsync(List.of(key(limiter, period)), args).thenApply(reply -> {
            Map<String, Long> totals = new HashMap<>(partitions.size() * 2);
            for (int i = 0; i < partitions.size(); i++) {
                totals.put(partitions.get(i), ((Number) reply.get(i)).longValue());
            }
            return totals;
        });
    }

    @Override
    public List<Ranked> top(String limiter, long period, int count) {
        Collection<ScoredEntry<String>> entries = wait.await(() -> client
                .<String>getScoredSortedSet(key(limiter, period), StringCodec.INSTANCE)
                .entryRangeReversedAsync(0, count - 1), "ZREVRANGE");
        List<Ranked> ranked = new ArrayList<>(entries.size());
        for (ScoredEntry<String> entry : entries) {
            ranked.add(new Ranked(entry.getValue(), entry.getScore().longValue()));
        }
        return ranked;
    }

    /** The client is the rate-limit backend's, closed with it. */
    @Override
    public void close() {
    }
}
