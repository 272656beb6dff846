package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
 * is, not encoded (a 1 MB result takes 1 MB). The key is its own hash tag, so on a Redis Cluster every script
 * touches one slot.
 *
 * <h2>Operations</h2>
 * Each operation is one call of its own script ({@code idempotency_claim.lua}, {@code idempotency_renew.lua},
 * {@code idempotency_complete.lua}, {@code idempotency_release.lua}): the claim looks and writes in one step, and
 * renew, complete and release compare the owner token and write in one step, so a caller whose lease ran out cannot
 * change a newer owner's record. Leases and time to live are Redis expiries: their time is the Redis server's, never
 * this JVM's.
 *
 * <p>Arguments and replies go through {@link ByteArrayCodec}: text arguments are sent as their UTF-8 bytes, and the
 * result comes back as the exact bytes stored.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private static final int CLAIMED = 0;
    private static final int MISMATCH = 1;
    private static final int COMPLETED = 2;
    private static final int IN_PROGRESS = 3;

    private final RedissonClient client;
    private final boolean ownsClient;
    private final LuaScript claim;
    private final LuaScript renew;
    private final LuaScript complete;
    private final LuaScript release;
    private final String keyStart;
    private final BoundedWait wait;
    private final String healthKey;

    /**
     * @param client     the Redisson client to use
     * @param ownsClient whether {@link #close()} shuts the client down
     * @param keyPrefix  first segment of every key
     * @param timeout    bound on one operation's wait for Redis
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
        this.client = client;
        this.ownsClient = ownsClient;
        this.claim = new LuaScript(client, "idempotency_claim.lua", timeout, ByteArrayCodec.INSTANCE, circuit);
        this.renew = new LuaScript(client, "idempotency_renew.lua", timeout, ByteArrayCodec.INSTANCE, circuit);
        this.complete = new LuaScript(client, "idempotency_complete.lua", timeout, ByteArrayCodec.INSTANCE, circuit);
        this.release = new LuaScript(client, "idempotency_release.lua", timeout, ByteArrayCodec.INSTANCE, circuit);
        this.keyStart = keyPrefix + ":idem:{";
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
        this.healthKey = keyPrefix + ":health";
    }

    /** A store with its own client built from {@code settings}. */
    public static RedisIdempotencyStore connect(RedisSettings settings) {
        return new RedisIdempotencyStore(RedissonClients.create(settings), true, settings.keyPrefix(),
                settings.operationTimeout());
    }

    @Override
    public ClaimOutcome claim(String key, String fingerprint, String owner, long leaseMillis) {
        List<Object> reply = claim.run(keys(key), utf8(fingerprint, "fingerprint"), utf8(owner, "owner"),
                millis(leaseMillis, "leaseMillis"));
        int state = ((Number) reply.get(0)).intValue();
        return switch (state) {
            case CLAIMED -> ClaimOutcome.claimed();
            case MISMATCH -> ClaimOutcome.mismatch();
            case COMPLETED -> ClaimOutcome.completed((byte[]) reply.get(1));
            case IN_PROGRESS -> ClaimOutcome.inProgress(((Number) reply.get(1)).longValue());
            default -> throw new IllegalStateException("idempotency_claim.lua answered " + reply);
        };
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        return renew.test(keys(key), utf8(owner, "owner"), millis(leaseMillis, "leaseMillis"));
    }

    @Override
    public boolean complete(String key, String owner, byte[] result, long ttlMillis) {
        Objects.requireNonNull(result, "result");
        return complete.test(keys(key), utf8(owner, "owner"), result, millis(ttlMillis, "ttlMillis"));
    }

    @Override
    public boolean release(String key, String owner) {
        return release.test(keys(key), utf8(owner, "owner"));
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

    private List<String> keys(String key) {
        return List.of(recordKey(key));
    }

    private static byte[] utf8(String text, String name) {
        return Objects.requireNonNull(text, name).getBytes(StandardCharsets.UTF_8);
    }

    /** A duration as the decimal text PEXPIRE expects; a key without a positive TTL would never expire. */
    private static byte[] millis(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
