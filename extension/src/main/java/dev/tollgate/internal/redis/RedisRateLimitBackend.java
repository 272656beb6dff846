package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits kept in Redis, shared by every instance of an application that uses the same Redis and key prefix.
 *
 * <p>Each decision is decided by {@code rate_limit.lua}, which reads the server's clock, checks every limit and
 * consumes from all of them only if all have room. A decision that finds fewer than {@link #MAX_IN_FLIGHT} script
 * calls outstanding (and none queued) is one script call of its own; decisions that arrive while that many are
 * outstanding wait for one to come back and then go together, as one script call that decides them one after the
 * other ({@link CallBatcher}; per slot on a Redis Cluster). So a decision costs at most one round trip, and under load
 * a round trip, the script's start and the server's clock are shared: measured in {@code benchmarks/}
 * (docs/benchmarks.md). Keys are {@code <prefix>:{<partition>}<limiter id>} ({@code -} for
 * the shared partition), and a fixed window's counter adds one digit for its window: the partition is the hash tag, so
 * the limits of one caller on one method land in one slot of a Redis Cluster and are decided by one script.
 *
 * <p>The limiter id is 8 base64url characters (48 bits) of SHA-256 over the algorithm and the limiter's name, rather
 * than the name itself: Redis keeps every key's name in memory, and with names such as
 * {@code com.acme.OrderResource/create} the name would be most of what a partition's state costs. With a hashed
 * partition (24 characters) a key has 43 characters, within the allocator's 48-byte class. Two limiters of one
 * partition share counters only if their ids collide: among a thousand limiter names, a chance of about
 * 2<sup>-29</sup>. The algorithm is part of the id, so that a limiter redeployed with another algorithm starts afresh
 * instead of meeting state of another shape.
 *
 * <p>On a Redis Cluster, limits whose keys fall in different slots (say a per-user limit and a global one) cannot
 * share a script. They are first checked without consuming, one script per slot; only if all have room are they
 * acquired, again one script per slot. The call is never admitted by a limit without room, but a call racing for
 * the last permits may consume from the slots acquired first when a later slot has since run out.
 */
public final class RedisRateLimitBackend implements RateLimitBackend {

    private static final String SCRIPT = "rate_limit.lua";
    private static final int ARGS_PER_POLICY = 4;
    private static final String SHARED_PARTITION_TAG = "-";
    /**
     * Script calls outstanding at once per batcher (the server, or one slot of a Redis Cluster). With one, Redis
     * idles while the client wakes a batch's callers and sends the next; with two, one batch is decided while the
     * other travels. Measured in {@code benchmarks/} (32 threads, one hot key, 2 cores, fixed window): 65,000
     * decisions a second with 1, 80,000 with 2, 76,000 with 4.
     */
    static final int MAX_IN_FLIGHT = 2;
    /** Decisions per script call at most: keeps one script's run, which blocks the server, short. */
    static final int MAX_BATCH = 64;

    private final RedissonClient client;
    private final boolean ownsClient;
    private final LuaScript script;
    private final String keyStart;
    private final boolean cluster;
    private final BoundedWait wait;
    private final Duration batchTimeout;
    private final String healthKey;
    /** Without a cluster, every decision goes through this one batcher; on a cluster, through its slot's. */
    private final CallBatcher<Call, RateLimitDecision> server;
    private final Map<Integer, CallBatcher<Call, RateLimitDecision>> slotBatchers = new ConcurrentHashMap<>();
    /** Per algorithm, the key's end ({@code }<id>}) of each limiter name seen. */
    private final Map<Algorithm, Map<String, String>> keyEnds = new EnumMap<>(Algorithm.class);

    /**
     * @param client     the Redisson client to use
     * @param ownsClient whether {@link #close()} shuts the client down
     * @param keyPrefix  first segment of every key
     * @param timeout    bound on one decision's wait for Redis
     */
    public RedisRateLimitBackend(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout) {
        this(client, ownsClient, keyPrefix, timeout, BackendCircuit.none());
    }

    /**
     * @param circuit every decision passes it first (times it, and refuses it at once while its breaker is open);
     *                shared with the idempotency store of the same connection
     */
    public RedisRateLimitBackend(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                 BackendCircuit circuit) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.script = new LuaScript(client, SCRIPT, timeout, circuit);
        this.keyStart = keyPrefix + ":{";
        this.cluster = client.getConfig().isClusterConfig();
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
        this.batchTimeout = timeout;
        this.healthKey = keyPrefix + ":health";
        this.server = cluster ? null : batcher();
        for (Algorithm algorithm : Algorithm.values()) {
            keyEnds.put(algorithm, new ConcurrentHashMap<>());
        }
    }

    /** A backend with its own client built from {@code settings}. */
    public static RedisRateLimitBackend connect(RedisSettings settings) {
        return new RedisRateLimitBackend(RedissonClients.create(settings), true, settings.keyPrefix(),
                settings.operationTimeout());
    }

    @Override
    public RateLimitDecision acquire(List<LimitRequest> limits) {
        if (cluster && spansSlots(limits)) {
            return acquireAcrossSlots(limits);
        }
        return run(false, limits);
    }

    @Override
    public RateLimitDecision peek(List<LimitRequest> limits) {
        if (cluster && spansSlots(limits)) {
            return merge(limits, bySlot(limits), true);
        }
        return run(true, limits);
    }

    @Override
    public String name() {
        return "redis";
    }

    /** One {@code EXISTS} on a key Tollgate never writes: proves the server answers, changes nothing. */
    @Override
    public void ping() {
        wait.await(() -> client.getKeys().countExistsAsync(healthKey), "EXISTS");
    }

    @Override
    public void close() {
        if (ownsClient && !client.isShutdown()) {
            client.shutdown();
        }
    }

    /** The key under which {@code request}'s state is kept. */
    String key(LimitRequest request) {
        Algorithm algorithm = request.policy().algorithm();
        String end = keyEnds.get(algorithm).computeIfAbsent(request.limiter(), limiter -> keyEnd(algorithm, limiter));
        return keyStart + hashTag(request.partition()) + end;
    }

    private static String keyEnd(Algorithm algorithm, String limiter) {
        return "}" + limiterId(algorithm, limiter);
    }

    /**
     * The limiter's part of its keys: 48 bits of SHA-256 over the algorithm's code and the name, in 8 base64url
     * characters. A fixed window's counter adds one digit to the key (its window's number modulo 3).
     */
    public static String limiterId(Algorithm algorithm, String limiter) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((code(algorithm) + ":" + limiter).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** An empty tag ({@code {}}) would make Redis hash the whole key, so the shared partition gets one of its own. */
    private static String hashTag(String partition) {
        return partition.isEmpty() ? SHARED_PARTITION_TAG : partition;
    }

    private CallBatcher<Call, RateLimitDecision> batcher() {
        return new CallBatcher<>(this::send, MAX_IN_FLIGHT, MAX_BATCH, batchTimeout);
    }

    /** Decides one call through its batcher, waiting at most the operation timeout (queueing included). */
    private RateLimitDecision run(boolean peek, List<LimitRequest> limits) {
        List<String> keys = new ArrayList<>(limits.size());
        for (LimitRequest request : limits) {
            keys.add(key(request));
        }
        CallBatcher<Call, RateLimitDecision> batcher = cluster
                ? slotBatchers.computeIfAbsent(slot(hashTag(limits.get(0).partition())), s -> batcher())
                : server;
        return wait.await(() -> batcher.submit(new Call(peek, limits, keys)), SCRIPT);
    }

    /**
     * Decides {@code calls} in one script call, as the batcher does with calls that meet in flight: each an acquire,
     * or a peek where {@code peeks} holds its index. For tests, which cannot make calls meet on demand.
     */
    List<RateLimitDecision> decideInOneScript(List<List<LimitRequest>> calls, Set<Integer> peeks) {
        List<Call> batch = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            List<LimitRequest> limits = calls.get(i);
            batch.add(new Call(peeks.contains(i), limits, limits.stream().map(this::key).toList()));
        }
        return wait.await(() -> send(batch), SCRIPT);
    }

    /** One script call for a batch of decisions, answered with one decision each, in order. */
    private CompletableFuture<List<RateLimitDecision>> send(List<Call> calls) {
        int limitCount = 0;
        for (Call call : calls) {
            limitCount += call.limits.size();
        }
        // Each distinct policy once (a batch's calls mostly share theirs), then each call's limits by policy number.
        List<LimitPolicy> policies = new ArrayList<>(4);
        List<String> keys = new ArrayList<>(limitCount);
        List<Object> callArgs = new ArrayList<>(calls.size() + 2 * limitCount);
        for (Call call : calls) {
            keys.addAll(call.keys);
            callArgs.add(call.peek ? -call.limits.size() : call.limits.size());
            for (LimitRequest request : call.limits) {
                int number = policies.indexOf(request.policy());
                if (number < 0) {
                    number = policies.size();
                    policies.add(request.policy());
                }
                callArgs.add(number + 1);
                callArgs.add(request.cost());
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
        return script.runAsync(keys, args).thenApply(reply -> decode(calls, reply));
    }

    private static List<RateLimitDecision> decode(List<Call> calls, List<Object> reply) {
        List<RateLimitDecision> decisions = new ArrayList<>(calls.size());
        int at = 0;
        for (Call call : calls) {
            boolean permitted = number(reply.get(at++)) == 1;
            List<LimitOutcome> outcomes = new ArrayList<>(call.limits.size());
            for (LimitRequest request : call.limits) {
                outcomes.add(new LimitOutcome(
                        number(reply.get(at)) == 1,
                        request.policy().capacity(),
                        number(reply.get(at + 1)),
                        number(reply.get(at + 2)),
                        number(reply.get(at + 3))));
                at += 4;
            }
            decisions.add(new RateLimitDecision(permitted, outcomes));
        }
        return decisions;
    }

    /** One decision as it waits for its batch: a peek or an acquire, the limits and their keys. */
    private record Call(boolean peek, List<LimitRequest> limits, List<String> keys) {
    }

    private RateLimitDecision acquireAcrossSlots(List<LimitRequest> limits) {
        Map<Integer, List<Integer>> slots = bySlot(limits);
        RateLimitDecision checked = merge(limits, slots, true);
        if (!checked.permitted()) {
            return checked;
        }
        return merge(limits, slots, false);
    }

    /** Peeks or acquires once per slot and puts the outcomes back in request order. */
    private RateLimitDecision merge(List<LimitRequest> limits, Map<Integer, List<Integer>> slots, boolean peek) {
        LimitOutcome[] outcomes = new LimitOutcome[limits.size()];
        boolean permitted = true;
        for (List<Integer> indexes : slots.values()) {
            List<LimitRequest> group = new ArrayList<>(indexes.size());
            for (int index : indexes) {
                group.add(limits.get(index));
            }
            RateLimitDecision part = run(peek, group);
            permitted &= part.permitted();
            for (int i = 0; i < indexes.size(); i++) {
                outcomes[indexes.get(i)] = part.outcome(i);
            }
            if (!permitted && !peek) {
                // Later slots are not touched: what is refused here must not consume there.
                for (int i = 0; i < outcomes.length; i++) {
                    if (outcomes[i] == null) {
                        LimitRequest request = limits.get(i);
                        outcomes[i] = run(true, List.of(request)).outcome(0);
                    }
                }
                break;
            }
        }
        return new RateLimitDecision(permitted, List.of(outcomes));
    }

    private boolean spansSlots(List<LimitRequest> limits) {
        String first = limits.get(0).partition();
        for (int i = 1; i < limits.size(); i++) {
            if (!limits.get(i).partition().equals(first)) {
                return true;
            }
        }
        return false;
    }

    private Map<Integer, List<Integer>> bySlot(List<LimitRequest> limits) {
        Map<Integer, List<Integer>> slots = new LinkedHashMap<>();
        for (int i = 0; i < limits.size(); i++) {
            slots.computeIfAbsent(slot(hashTag(limits.get(i).partition())), s -> new ArrayList<>()).add(i);
        }
        return slots;
    }

    /** The Redis Cluster slot of a hash tag: CRC16 (XMODEM) of its bytes, modulo 16384. */
    static int slot(String hashTag) {
        int crc = 0;
        for (byte b : hashTag.getBytes(StandardCharsets.UTF_8)) {
            crc ^= (b & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc % 16384;
    }

    private static String code(Algorithm algorithm) {
        return switch (algorithm) {
            case FIXED_WINDOW -> "F";
            case SLIDING_WINDOW -> "S";
            case TOKEN_BUCKET -> "T";
        };
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
