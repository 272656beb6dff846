package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Java side of {@code rate_limit_lease.lua}: leases a batch of a limit's permits to this instance, or gives
 * unspent ones back. Its header comment describes the keys, arguments and reply; this class is the one place that
 * builds and reads them. Calls are sent without waiting; {@link PermitLeases} bounds the wait and passes them through
 * the connection's circuit.
 */
final class LeaseScript {

    /** The script's resource, next to this class; also what a failure to run it is reported as. */
    static final String RESOURCE = "rate_limit_lease.lua";
    /** Suffix of the key of the set of instances taking leases of one limit and partition. */
    static final String ACTIVE_SUFFIX = ":lessees";

    private final LuaScript script;

    LeaseScript(RedissonClient client, Duration timeout, BackendCircuit circuit) {
        this.script = new LuaScript(client, RESOURCE, timeout, circuit);
    }

    /**
     * What Redis granted.
     *
     * @param granted          permits leased; 0 when fewer than the cost remained (nothing was taken)
     * @param remaining        permits left in Redis after the lease
     * @param resetMillis      until the limit is back to full in Redis, as of the lease
     * @param retryAfterMillis 0 when granted; otherwise until a call of the cost would be
     * @param nextMillis       until more quota is made available in Redis
     * @param window           a fixed window's number (server ms / window), what a give-back must name; 0 for a bucket
     */
    record Reply(long granted, long remaining, long resetMillis, long retryAfterMillis, long nextMillis,
                 long window) {
    }

    /**
     * Leases between {@code cost} and {@code largest} permits of the limit kept under {@code key}, sized by the script
     * from what remains and how many instances took a lease in the last {@code activeMillis}.
     */
    CompletableFuture<Reply> lease(LimitPolicy policy, String key, long cost, String instance, long largest,
                                   long activeMillis) {
        return script.runAsync(keys(policy, key), "L", RateLimitScript.code(policy.algorithm()), policy.limit(),
                        policy.windowMillis(), policy.capacity(), cost, instance, largest, activeMillis)
                .thenApply(reply -> new Reply(number(reply.get(0)), number(reply.get(1)), number(reply.get(2)),
                        number(reply.get(3)), number(reply.get(4)), number(reply.get(5))));
    }

    /**
     * Gives {@code permits} unspent permits back: a fixed window's only while its window ({@code window}) lasts, a
     * bucket's up to its capacity. Completes with the permits Redis took back.
     */
    CompletableFuture<Long> giveBack(LimitPolicy policy, String key, long permits, long window) {
        return script.runAsync(keys(policy, key), "R", RateLimitScript.code(policy.algorithm()), policy.limit(),
                        policy.windowMillis(), policy.capacity(), permits, window)
                .thenApply(reply -> number(reply.get(0)));
    }

    /** The state key, the set of lessees, and a fixed window's counters (declared for a Redis Cluster's routing). */
    static List<String> keys(LimitPolicy policy, String key) {
        if (policy.algorithm() == Algorithm.FIXED_WINDOW) {
            return List.of(key, key + ACTIVE_SUFFIX, key + "0", key + "1", key + "2");
        }
        return List.of(key, key + ACTIVE_SUFFIX);
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
