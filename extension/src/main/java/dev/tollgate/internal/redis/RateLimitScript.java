package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The Java side of {@code rate_limit.lua}, which reads the server's clock and decides a batch of calls one after the
 * other, each all or nothing: checks every limit of the call and consumes from all of them only if all have room.
 * This class is the one place that knows how the script is called and what it answers; the script's header comment
 * describes the same layout.
 * <dl>
 *   <dt>KEYS</dt>
 *   <dd>the key of every limit of every call, in order (on a Redis Cluster all in one slot); on a Redis Cluster
 *       followed by the three window counters of each distinct {@code FIXED_WINDOW} key ({@link #keys}).</dd>
 *   <dt>ARGV</dt>
 *   <dd>the number of distinct policies {@code p}; then {@value #ARGS_PER_POLICY} values per policy: the
 *       algorithm's {@linkplain #code code}, the limit, the window in milliseconds, the capacity; then per call its
 *       number of limits {@code n}, positive for an acquire and negative for a peek, followed by
 *       {@value #ARGS_PER_LIMIT} values per limit: its policy's number (1 to {@code p}) and its cost (for a
 *       {@code CONCURRENCY} limit of an acquire, {@code <cost>:<holder>}). A batch's calls
 *       mostly share their policies, so each is sent, and converted by the script, once.</dd>
 *   <dt>Reply</dt>
 *   <dd>per call: 1 if all its limits permitted it, else 0; then {@value #REPLY_PER_LIMIT} integers per limit:
 *       permitted (1/0), remaining, reset (ms), retry-after (ms), next (ms until more quota is made available).</dd>
 * </dl>
 */
final class RateLimitScript {

    /** The script's resource, next to this class; also what a failure to run it is reported as. */
    static final String RESOURCE = "rate_limit.lua";
    /** ARGV values per policy: algorithm code, limit, window (ms), capacity. */
    static final int ARGS_PER_POLICY = 4;
    /** ARGV values per limit of a call: its policy's number and its cost. */
    static final int ARGS_PER_LIMIT = 2;
    /** Reply values per limit: permitted, remaining, reset (ms), retry-after (ms), next (ms). */
    static final int REPLY_PER_LIMIT = 5;

    /** The suffixes of a fixed window's counters: its window's number modulo 3 (see {@code rate_limit.lua}). */
    private static final List<String> WINDOW_DIGITS = List.of("0", "1", "2");

    private final LuaScript script;
    private final boolean cluster;

    /**
     * {@code timeout} and {@code circuit} are the connection's, as every {@link LuaScript} takes them; {@code cluster}
     * says whether the connection is to a Redis Cluster.
     */
    RateLimitScript(RedissonClient client, Duration timeout, BackendCircuit circuit, boolean cluster) {
        this.script = new LuaScript(client, RESOURCE, timeout, circuit);
        this.cluster = cluster;
    }

    /** One decision waiting to be sent: a peek or an acquire, its limits, and their keys in the same order. */
    record Call(boolean peek, List<LimitRequest> limits, List<String> keys) {
    }

    /**
     * Runs the script once for {@code calls}, without waiting: the stage completes with one decision per call, in
     * order, or with the failure. The caller bounds its own wait.
     */
    CompletableFuture<List<RateLimitDecision>> decide(List<Call> calls) {
        List<String> keys = cluster ? clusterKeys(calls) : keys(calls);
        return script.runAsync(keys, args(calls)).thenApply(reply -> decode(calls, reply));
    }

    /** The script's KEYS for {@code calls}. */
    static List<String> keys(List<Call> calls) {
        List<String> keys = new ArrayList<>(limitCount(calls));
        for (Call call : calls) {
            keys.addAll(call.keys());
        }
        return keys;
    }

    /**
     * The script's KEYS for {@code calls} on a Redis Cluster: {@link #keys}, then the three counters of every fixed
     * window among them, which the script writes but does not read from KEYS. A cluster routes and redirects a
     * script by the keys it declares. With the limit's own key only, which a fixed window never writes, a script
     * sent while its slot moves to another master would be redirected there ({@code ASK}: "key not here") and
     * start a new counter beside the one still on the old master, admitting the window's permits a second time (and
     * the move of the old counter would then fail with {@code BUSYKEY}). Declared, the counters make the new master
     * answer {@code TRYAGAIN} while the keys are split between the two, so the decision waits or fails (the
     * limit's failure mode) instead of counting from zero.
     */
    static List<String> clusterKeys(List<Call> calls) {
        List<String> keys = keys(calls);
        Set<String> windows = null;
        for (Call call : calls) {
            for (int i = 0; i < call.limits().size(); i++) {
                if (call.limits().get(i).policy().algorithm() == Algorithm.FIXED_WINDOW) {
                    if (windows == null) {
                        windows = new LinkedHashSet<>();
                    }
                    windows.add(call.keys().get(i));
                }
            }
        }
        if (windows != null) {
            for (String window : windows) {
                for (String digit : WINDOW_DIGITS) {
                    keys.add(window + digit);
                }
            }
        }
        return keys;
    }

    /** The script's ARGV for {@code calls}: each distinct policy once, then each call's limits by policy number. */
    static Object[] args(List<Call> calls) {
        List<LimitPolicy> policies = new ArrayList<>(4);
        List<Object> callArgs = new ArrayList<>(calls.size() + ARGS_PER_LIMIT * limitCount(calls));
        for (Call call : calls) {
            callArgs.add(call.peek() ? -call.limits().size() : call.limits().size());
            for (LimitRequest request : call.limits()) {
                int number = policies.indexOf(request.policy());
                if (number < 0) {
                    number = policies.size();
                    policies.add(request.policy());
                }
                callArgs.add(number + 1);
                // an acquire's concurrency permits are taken in the holder's name
                callArgs.add(call.peek() || request.holder() == null
                        ? request.cost() : request.cost() + ":" + request.holder());
            }
        }
        Object[] args = new Object[1 + ARGS_PER_POLICY * policies.size() + callArgs.size()];
        int at = 0;
        args[at++] = policies.size();
        for (LimitPolicy policy : policies) {
            args[at++] = code(policy.algorithm());
            args[at++] = policy.limit();
            args[at++] = policy.windowMillis();
            args[at++] = policy.capacity();
        }
        for (Object arg : callArgs) {
            args[at++] = arg;
        }
        return args;
    }

    /** One decision per call from the script's reply; each outcome's limit is its policy's capacity. */
    static List<RateLimitDecision> decode(List<Call> calls, List<Object> reply) {
        List<RateLimitDecision> decisions = new ArrayList<>(calls.size());
        int at = 0;
        for (Call call : calls) {
            boolean permitted = number(reply.get(at++)) == 1;
            List<LimitOutcome> outcomes = new ArrayList<>(call.limits().size());
            for (LimitRequest request : call.limits()) {
                outcomes.add(new LimitOutcome(
                        number(reply.get(at)) == 1,
                        request.policy().capacity(),
                        number(reply.get(at + 1)),
                        number(reply.get(at + 2)),
                        number(reply.get(at + 3)),
                        number(reply.get(at + 4))));
                at += REPLY_PER_LIMIT;
            }
            decisions.add(RateLimitDecision.of(permitted, outcomes));
        }
        return decisions;
    }

    /** The algorithm as the script names it. */
    static String code(Algorithm algorithm) {
        return switch (algorithm) {
            case FIXED_WINDOW -> "F";
            case SLIDING_WINDOW -> "S";
            case TOKEN_BUCKET -> "T";
            case GCRA -> "G";
            case CONCURRENCY -> "C";
        };
    }

    private static int limitCount(List<Call> calls) {
        int count = 0;
        for (Call call : calls) {
            count += call.limits().size();
        }
        return count;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
