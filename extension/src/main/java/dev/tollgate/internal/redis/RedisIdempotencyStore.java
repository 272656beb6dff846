package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idempotency records kept in Redis, shared by every instance of an application that uses the same Redis and key
 * prefix.
 *
 * <h2>Record layout</h2>
 * One hash per record, at {@code <prefix>:idem:{<key>}}:
 * <ul>
 *   <li>{@code f}: the request's fingerprint, always;</li>
 *   <li>{@code o}: the owner token, only while the record is in progress;</li>
 *   <li>{@code r}: the result, only once it is completed, as the raw bytes the caller gave.</li>
 * </ul>
 * One key, so one TTL covers the whole record: the lease while in progress, the completion's time to live once
 * completed. Every key always has one, set by the script that writes it, so a crashed owner's record disappears
 * when its lease runs out and nothing grows without bound. Hash fields are binary-safe, so a result is stored as it
 * is, not encoded (a 1 MB result takes 1 MB). The key is its own hash tag, and batches are made per slot, so on a
 * Redis Cluster every script call touches one slot.
 *
 * <h2>Operations</h2>
 * Every operation is one operation of {@code idempotency.lua}: the claim looks and writes in one step, and renew,
 * complete and release compare the owner token and write in one step, so a caller whose lease ran out cannot change
 * a newer owner's record. Leases and time to live are Redis expiries: their time is the Redis server's, never this
 * JVM's.
 *
 * <p>An operation that finds fewer than {@link RedisRateLimitBackend#MAX_IN_FLIGHT} script calls outstanding (and
 * none queued) is one script call of its own, sent at once; operations that arrive while that many are outstanding
 * wait for one to come back and then go together, as one script call that runs them one after the other
 * ({@link CallBatcher}, as rate-limit decisions do; per slot on a Redis Cluster, where each batch's keys must share
 * a slot). Claims, renewals, completions and releases share batches: a first call's claim and another's completion
 * go in one round trip. A batch is what its operations would have done as as many scripts back to back.
 *
 * <p>Arguments go to the wire as they are (text as its UTF-8 bytes, numbers as decimal text, a result's bytes
 * verbatim), and replies are read with {@link ByteArrayCodec}: a result comes back as the exact bytes stored.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    /** The script's resource, next to this class; also what a failure to run it is reported as. */
    static final String RESOURCE = "idempotency.lua";

    private static final int CLAIMED = 0;
    private static final int MISMATCH = 1;
    private static final int COMPLETED = 2;
    private static final int IN_PROGRESS = 3;

    /**
     * A batch takes no more operations once their results weigh this much: completions of large results that meet in
     * flight then go as several script calls, not as one that holds Redis up for as long as it takes to store them
     * all. (A batch may hold this plus one result: the default bound on a stored response body is 1 MiB too.)
     */
    static final long MAX_BATCH_BYTES = 1024 * 1024;

    /** One operation waiting to be sent: its record's key, and its ARGV values (its code first). */
    record Operation(String key, Object[] args) {

        /** The bytes of its binary arguments (a completion's result); what {@link #MAX_BATCH_BYTES} bounds. */
        long bytes() {
            long bytes = 0;
            for (Object arg : args) {
                if (arg instanceof byte[] data) {
                    bytes += data.length;
                }
            }
            return bytes;
        }
    }

    /** What the script answered for one operation: its state, and a value (a claim's result or lease) or 0. */
    record Answer(long state, Object value) {
    }

    private final RedissonClient client;
    private final boolean ownsClient;
    private final LuaScript script;
    private final String keyStart;
    private final BoundedWait wait;
    private final Duration timeout;
    private final String healthKey;
    private final boolean cluster;
    /** Whether operations that meet in flight share a script call ({@link CallBatcher}); on but in measurements. */
    private final boolean batching;
    /** Without a cluster, every operation goes through this one batcher; on a cluster, through its slot's. */
    private final CallBatcher<Operation, Answer> server;
    private final Map<Integer, CallBatcher<Operation, Answer>> slots = new ConcurrentHashMap<>();

    /**
     * @param client     the Redisson client to use
     * @param ownsClient whether {@link #close()} shuts the client down
     * @param keyPrefix  first segment of every key
     * @param timeout    bound on one operation's wait for Redis (queueing included)
     */
    public RedisIdempotencyStore(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout) {
        this(client, ownsClient, keyPrefix, timeout, BackendCircuit.none());
    }

    /**
     * @param circuit every operation passes it first (times it, and refuses it at once while its breaker is open);
     *                shared with the rate-limit backend of the same connection
     */
    public RedisIdempotencyStore(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                 BackendCircuit circuit) {
        this(client, ownsClient, keyPrefix, timeout, circuit, true);
    }

    /**
     * @param batching {@code false} sends every operation as a script call of its own at once, however many are in
     *                 flight: what the store costs without {@link CallBatcher}. For measurements only
     *                 ({@code benchmarks/}); deployments always batch
     */
    public RedisIdempotencyStore(RedissonClient client, boolean ownsClient, String keyPrefix, Duration timeout,
                                 BackendCircuit circuit, boolean batching) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.script = new LuaScript(client, RESOURCE, timeout, ByteArrayCodec.INSTANCE, circuit);
        this.keyStart = keyPrefix + ":idem:{";
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
        this.timeout = timeout;
        this.healthKey = keyPrefix + ":health";
        this.cluster = client.getConfig().isClusterConfig();
        this.batching = batching;
        this.server = cluster || !batching ? null : batcher();
    }

    /** A store with its own client built from {@code settings}. */
    public static RedisIdempotencyStore connect(RedisSettings settings) {
        return new RedisIdempotencyStore(RedissonClients.create(settings), true, settings.keyPrefix(),
                settings.operationTimeout());
    }

    @Override
    public ClaimOutcome claim(String key, String fingerprint, String owner, long leaseMillis) {
        Operation claim = claimOperation(key, fingerprint, owner, leaseMillis);
        return claimOutcome(wait.await(() -> submit(claim), RESOURCE + " (claim)"));
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        Operation renew = operation(key, "n", Objects.requireNonNull(owner, "owner"),
                millis(leaseMillis, "leaseMillis"));
        return done(wait.await(() -> submit(renew), RESOURCE + " (renew)"));
    }

    @Override
    public boolean complete(String key, String owner, byte[] result, long ttlMillis) {
        Operation complete = completeOperation(key, owner, result, ttlMillis);
        return done(wait.await(() -> submit(complete), RESOURCE + " (complete)"));
    }

    @Override
    public boolean release(String key, String owner) {
        Operation release = operation(key, "r", Objects.requireNonNull(owner, "owner"));
        return done(wait.await(() -> submit(release), RESOURCE + " (release)"));
    }

    /** A claim, as {@link #claim} sends it. */
    Operation claimOperation(String key, String fingerprint, String owner, long leaseMillis) {
        return operation(key, "c", Objects.requireNonNull(fingerprint, "fingerprint"),
                Objects.requireNonNull(owner, "owner"), millis(leaseMillis, "leaseMillis"));
    }

    /** A completion, as {@link #complete} sends it. */
    Operation completeOperation(String key, String owner, byte[] result, long ttlMillis) {
        // Not copied: the caller waits until the batch is answered (or its wait ends, and then a queued operation is
        // dropped), and the engine never changes an encoded result anyway.
        return operation(key, "d", Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(result, "result"),
                millis(ttlMillis, "ttlMillis"));
    }

    /**
     * Sends or queues {@code operation} through its batcher without waiting and without passing the circuit: the
     * future completes with its answer, or with the failure of its batch. Cancelling the future before the
     * operation has left drops it.
     */
    CompletableFuture<Answer> submit(Operation operation) {
        if (!batching) {
            return send(List.of(operation)).thenApply(answers -> answers.get(0));
        }
        CallBatcher<Operation, Answer> batcher = cluster
                ? slots.computeIfAbsent(RedisRateLimitBackend.slot(hashTag(operation.key())), slot -> batcher())
                : server;
        return batcher.submit(operation);
    }

    /** What a claim's answer says. */
    static ClaimOutcome claimOutcome(Answer answer) {
        return switch ((int) answer.state()) {
            case CLAIMED -> ClaimOutcome.claimed();
            case MISMATCH -> ClaimOutcome.mismatch();
            case COMPLETED -> ClaimOutcome.completed((byte[]) answer.value());
            case IN_PROGRESS -> ClaimOutcome.inProgress(((Number) answer.value()).longValue());
            default -> throw new IllegalStateException(RESOURCE + " answered a claim with " + answer);
        };
    }

    /** One {@code EXISTS} on a key Tollgate never writes: proves the server answers, changes nothing. */
    @Override
    public void ping() {
        wait.await(() -> client.getKeys().countExistsAsync(healthKey), "EXISTS");
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public void close() {
        if (ownsClient && !client.isShutdown()) {
            client.shutdown();
        }
    }

    /** The key of {@code key}'s record. */
    String recordKey(String key) {
        return keyStart + Objects.requireNonNull(key, "key") + "}";
    }

    /** The hash tag of a record's key: the idempotency key itself. */
    private String hashTag(String recordKey) {
        return recordKey.substring(keyStart.length(), recordKey.length() - 1);
    }

    private Operation operation(String key, Object... args) {
        return new Operation(recordKey(key), args);
    }

    private static boolean done(Answer answer) {
        return answer.state() == 1;
    }

    private CallBatcher<Operation, Answer> batcher() {
        return new CallBatcher<>(this::send, RedisRateLimitBackend.MAX_IN_FLIGHT, RedisRateLimitBackend.MAX_BATCH,
                Operation::bytes, MAX_BATCH_BYTES, timeout);
    }

    /** Runs {@code batch} as one script call: one answer per operation, in order. */
    private CompletableFuture<List<Answer>> send(List<Operation> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        int size = 0;
        for (Operation operation : batch) {
            keys.add(operation.key());
            size += operation.args().length;
        }
        Object[] args = new Object[size];
        int at = 0;
        for (Operation operation : batch) {
            System.arraycopy(operation.args(), 0, args, at, operation.args().length);
            at += operation.args().length;
        }
        return script.runAsync(keys, args).thenApply(reply -> {
            List<Answer> answers = new ArrayList<>(batch.size());
            for (int i = 0; i + 1 < reply.size(); i += 2) {
                answers.add(new Answer(((Number) reply.get(i)).longValue(), reply.get(i + 1)));
            }
            return answers;
        });
    }

    /** A duration as the decimal text PEXPIRE expects; a key without a positive TTL would never expire. */
    private static Long millis(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return value;
    }
}
