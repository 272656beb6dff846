package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.redis.RateLimitScript.Call;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import org.redisson.api.RedissonClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Rate limits kept in Redis, shared by every instance of an application that uses the same Redis and key prefix.
 * Where each limit's state lives is {@link RateLimitKeys}'s; how a decision is put to {@code rate_limit.lua} and read
 * back is {@link RateLimitScript}'s.
 *
 * <p>A decision that finds fewer than {@link #MAX_IN_FLIGHT} script calls outstanding (and none queued) is one script
 * call of its own; decisions that arrive while that many are outstanding wait for one to come back and then go
 * together, as one script call that decides them one after the other ({@link CallBatcher}; per slot on a Redis
 * Cluster). So a decision costs at most one round trip, and under load a round trip, the script's start and the
 * server's clock are shared: measured in {@code benchmarks/} (docs/benchmarks.md).
 *
 * <p>On a Redis Cluster, limits whose keys fall in different slots (say a per-user limit and a global one) cannot
 * share a script. They are first checked without consuming, one script per slot; only if all have room are they
 * acquired, again one script per slot. The call is never admitted by a limit without room, but a call racing for
 * the last permits may consume from the slots acquired first when a later slot has since run out (concurrency
 * permits taken so are given back at once).
 *
 * <p>Limits requested {@linkplain LimitRequest#leased() leased} take their permits from this instance's leases
 * ({@link PermitLeases}) instead; a call's other limits are decided as above, after its leased ones, and a refusal
 * there puts the leased permits back into their lease, so the call stays all or nothing.
 */
public final class RedisRateLimitBackend implements RateLimitBackend {

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
    private final RateLimitScript script;
    private final LuaScript renewal;
    private final ConcurrencyReleases releases;
    private final BackendCircuit circuit;
    private final RateLimitKeys keys;
    private final boolean cluster;
    private final BoundedWait wait;
    private final Duration batchTimeout;
    /** Whether decisions that meet in flight share a script call ({@link CallBatcher}); on but in measurements. */
    private final boolean batching;
    private final String healthKey;
    /** Without a cluster, every decision goes through this one batcher; on a cluster, through its slot's. */
    private final CallBatcher<Call, RateLimitDecision> server;
    private final Map<Integer, CallBatcher<Call, RateLimitDecision>> slotBatchers = new ConcurrentHashMap<>();
    private final PermitLeases leases;

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
        this(client, ownsClient, keyPrefix, timeout, circuit, true);
    }

    /**
     * @param batching {@code false} sends every decision, and every concurrency release, as a script call of its own
     *                 at once, however many are in flight: what the engine costs without {@link CallBatcher}. For
     *                 measurements only ({@code benchmarks/}, docs/scaling.md); deployments always batch
     */
    public RedisRateLimitBackend(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                 BackendCircuit circuit, boolean batching) {
        this(client, ownsClient, keyPrefix, timeout, circuit, batching, GuardMetrics.NONE);
    }

    /**
     * @param circuit as above
     * @param metrics where permit leases are counted ({@link GuardMetrics#LEASES} and the permits leased and given
     *                back)
     */
    public RedisRateLimitBackend(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                 BackendCircuit circuit, GuardMetrics metrics) {
        this(client, ownsClient, keyPrefix, timeout, circuit, true, metrics);
    }

    private RedisRateLimitBackend(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                  BackendCircuit circuit, boolean batching, GuardMetrics metrics) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.cluster = client.getConfig().isClusterConfig();
        this.script = new RateLimitScript(client, timeout, circuit, cluster);
        this.renewal = new LuaScript(client, "concurrency_renew.lua", timeout, circuit);
        this.circuit = circuit;
        this.keys = new RateLimitKeys(keyPrefix);
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
        this.batchTimeout = timeout;
        this.batching = batching;
        this.healthKey = keyPrefix + ":health";
        this.server = cluster || !batching ? null : batcher();
        this.releases = new ConcurrencyReleases(client, timeout, circuit, cluster, batching, MAX_IN_FLIGHT,
                MAX_BATCH);
        this.leases = new PermitLeases(client, timeout, circuit, metrics);
    }

    /** The Redisson client, shared with the idempotency store and the violation rankings of the same connection. */
    public RedissonClient client() {
        return client;
    }

    /** A backend with its own client built from {@code settings}. */
    public static RedisRateLimitBackend connect(RedisSettings settings) {
        return new RedisRateLimitBackend(RedissonClients.create(settings), true, settings.keyPrefix(),
                settings.operationTimeout());
    }

    @Override
    public RateLimitDecision acquire(List<LimitRequest> limits) {
        LimitRequest.requireHolders(limits);
        if (anyLeased(limits)) {
            return acquireLeased(limits);
        }
        return acquireShared(limits);
    }

    private RateLimitDecision acquireShared(List<LimitRequest> limits) {
        if (cluster && spansSlots(limits)) {
            return acquireAcrossSlots(limits);
        }
        return run(false, limits);
    }

    /**
     * Reports what Redis has left; for a leased limit, plus what this instance holds unspent (what it would still
     * admit, if no other instance took more).
     */
    @Override
    public RateLimitDecision peek(List<LimitRequest> limits) {
        RateLimitDecision shared = cluster && spansSlots(limits) ? merge(limits, bySlot(limits), true)
                : run(true, limits);
        if (!anyLeased(limits)) {
            return shared;
        }
        List<LimitOutcome> outcomes = new ArrayList<>(limits.size());
        boolean permitted = true;
        for (int i = 0; i < limits.size(); i++) {
            LimitRequest request = limits.get(i);
            LimitOutcome outcome = shared.outcome(i);
            if (request.leased()) {
                long unspent = leases.unspent(request, keys.key(request));
                outcome = new LimitOutcome(outcome.permitted() || unspent >= request.cost(), outcome.limit(),
                        outcome.remaining() + unspent, outcome.resetMillis(), outcome.retryAfterMillis(),
                        outcome.nextMillis());
            }
            permitted &= outcome.permitted();
            outcomes.add(outcome);
        }
        return RateLimitDecision.of(permitted, outcomes);
    }

    /**
     * The leased limits from their leases first, in order; then the others from Redis in one call. A refusal anywhere
     * puts back what the leases gave; the limits not decided by then report a peek.
     */
    private RateLimitDecision acquireLeased(List<LimitRequest> limits) {
        LimitOutcome[] outcomes = new LimitOutcome[limits.size()];
        PermitLease.Taken[] taken = new PermitLease.Taken[limits.size()];
        List<LimitRequest> shared = new ArrayList<>(limits.size());
        boolean permitted = true;
        try {
            for (int i = 0; i < limits.size() && permitted; i++) {
                LimitRequest request = limits.get(i);
                if (request.leased()) {
                    taken[i] = leases.take(request, keys.key(request));
                    outcomes[i] = taken[i].outcome();
                    permitted = outcomes[i].permitted();
                } else {
                    shared.add(request);
                }
            }
            if (permitted && !shared.isEmpty()) {
                RateLimitDecision decided = acquireShared(shared);
                permitted = decided.permitted();
                int next = 0;
                for (int i = 0; i < limits.size(); i++) {
                    if (!limits.get(i).leased()) {
                        outcomes[i] = decided.outcome(next++);
                    }
                }
            }
        } catch (RuntimeException e) {
            putBack(limits, taken);
            throw e;
        }
        if (!permitted) {
            putBack(limits, taken);
            peekUndecided(limits, outcomes);
        }
        return RateLimitDecision.of(permitted, List.of(outcomes));
    }

    /** Puts the permits that leases gave a call back into them: another limit refused the call. */
    private static void putBack(List<LimitRequest> limits, PermitLease.Taken[] taken) {
        for (int i = 0; i < taken.length; i++) {
            if (taken[i] != null) {
                taken[i].putBack(limits.get(i).cost());
            }
        }
    }

    /** Fills in the outcomes of a refused call's limits that were not reached, from one peek. */
    private void peekUndecided(List<LimitRequest> limits, LimitOutcome[] outcomes) {
        List<LimitRequest> undecided = new ArrayList<>();
        for (int i = 0; i < limits.size(); i++) {
            if (outcomes[i] == null) {
                undecided.add(limits.get(i));
            }
        }
        if (undecided.isEmpty()) {
            return;
        }
        RateLimitDecision peeked = peek(undecided);
        int next = 0;
        for (int i = 0; i < limits.size(); i++) {
            if (outcomes[i] == null) {
                outcomes[i] = peeked.outcome(next++);
            }
        }
    }

    private static boolean anyLeased(List<LimitRequest> limits) {
        for (LimitRequest request : limits) {
            if (request.leased()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One {@code concurrency_release.lua} per limit, batched with other calls' releases ({@link ConcurrencyReleases};
     * per slot on a Redis Cluster), bounded by the operation timeout and passed through the circuit like every other
     * command.
     */
    @Override
    public CompletableFuture<Void> release(List<LimitRequest> held) {
        long start = circuit.permit();
        CompletableFuture<?>[] removals = new CompletableFuture<?>[held.size()];
        for (int i = 0; i < removals.length; i++) {
            removals[i] = releases.release(held.get(i), keys.key(held.get(i)));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.allOf(removals).orTimeout(batchTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((nothing, failure) -> {
                    if (failure == null) {
                        circuit.succeeded(start);
                        done.complete(null);
                    } else {
                        circuit.failed(start, failure);
                        done.completeExceptionally(new BackendUnavailableException(
                                "Redis did not take back a concurrency permit: " + failure, failure));
                    }
                });
        return done;
    }

    /** One {@code concurrency_renew.lua} per limit: renewed only where every permit of the call is still there. */
    @Override
    public boolean renew(List<LimitRequest> held) {
        boolean all = true;
        for (LimitRequest request : held) {
            List<String> names = request.permitNames();
            Object[] args = new Object[1 + names.size()];
            args[0] = request.policy().windowMillis();
            for (int i = 0; i < names.size(); i++) {
                args[1 + i] = names.get(i);
            }
            all &= renewal.test(List.of(keys.key(request)), args);
        }
        return all;
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

    /** Gives this instance's unspent leased permits back, then shuts the client down if it owns it. */
    @Override
    public void close() {
        leases.close();
        if (ownsClient && !client.isShutdown()) {
            client.shutdown();
        }
    }

    private CallBatcher<Call, RateLimitDecision> batcher() {
        return new CallBatcher<>(script::decide, MAX_IN_FLIGHT, MAX_BATCH, batchTimeout);
    }

    /** Decides one call through its batcher, waiting at most the operation timeout (queueing included). */
    private RateLimitDecision run(boolean peek, List<LimitRequest> limits) {
        Call call = call(peek, limits);
        if (!batching) {
            return wait.await(() -> script.decide(List.of(call)).thenApply(decisions -> decisions.get(0)),
                    RateLimitScript.RESOURCE);
        }
        CallBatcher<Call, RateLimitDecision> batcher = cluster
                ? slotBatchers.computeIfAbsent(slot(limits.get(0)), s -> batcher())
                : server;
        return wait.await(() -> batcher.submit(call), RateLimitScript.RESOURCE);
    }

    /**
     * The call with its keys. They are made here, on each caller's own thread, so that the thread sending a batch,
     * which the batch's other callers wait for, only joins them.
     */
    private Call call(boolean peek, List<LimitRequest> limits) {
        List<String> limitKeys = new ArrayList<>(limits.size());
        for (LimitRequest request : limits) {
            limitKeys.add(keys.key(request));
        }
        return new Call(peek, limits, limitKeys);
    }

    /**
     * Decides {@code calls} in one script call, as the batcher does with calls that meet in flight: each an acquire,
     * or a peek where {@code peeks} holds its index. For tests, which cannot make calls meet on demand.
     */
    List<RateLimitDecision> decideInOneScript(List<List<LimitRequest>> calls, Set<Integer> peeks) {
        List<Call> batch = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            batch.add(call(peeks.contains(i), calls.get(i)));
        }
        return wait.await(() -> script.decide(batch), RateLimitScript.RESOURCE);
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
        List<LimitRequest> taken = new ArrayList<>();
        for (List<Integer> indexes : slots.values()) {
            List<LimitRequest> group = new ArrayList<>(indexes.size());
            for (int index : indexes) {
                group.add(limits.get(index));
            }
            RateLimitDecision part = run(peek, group);
            permitted &= part.permitted();
            if (part.permitted() && !peek) {
                for (LimitRequest request : group) {
                    if (request.holds()) {
                        taken.add(request);
                    }
                }
            }
            for (int i = 0; i < indexes.size(); i++) {
                outcomes[indexes.get(i)] = part.outcome(i);
            }
            if (!permitted && !peek) {
                if (!taken.isEmpty()) {
                    // Concurrency permits taken in earlier slots would be held by a call that never runs.
                    release(taken);
                }
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
        return RateLimitDecision.of(permitted, List.of(outcomes));
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
            slots.computeIfAbsent(slot(limits.get(i)), s -> new ArrayList<>()).add(i);
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

    /** The slot of {@code request}'s keys. */
    private static int slot(LimitRequest request) {
        return slot(RateLimitKeys.hashTag(request.partition()));
    }
}
