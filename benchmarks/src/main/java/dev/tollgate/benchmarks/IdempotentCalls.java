package dev.tollgate.benchmarks;

import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.idempotency.IdempotencySettings;
import dev.tollgate.internal.idempotency.IdempotencyEngine;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import dev.tollgate.internal.idempotency.ResponseLimits;
import dev.tollgate.internal.idempotency.StoredResult;
import dev.tollgate.internal.idempotency.Transactions;
import dev.tollgate.internal.local.InMemoryIdempotencyStore;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.redis.RedisIdempotencyStore;
import dev.tollgate.internal.redis.RedisSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of {@code @Idempotent} below the interceptor, through the same engine it uses: a <b>first call</b> (claim
 * a new key, start its lease renewal, store a 100-byte JSON result: two store round trips) and a <b>replay</b>
 * (claim a completed key and read its result back: one round trip), on Redis and in memory. Calls per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IdempotentCalls {

    private static final byte[] RESULT_JSON = ("{\"id\":\"ord-0001\",\"item\":\"book\",\"quantity\":2,"
            + "\"createdAt\":\"2026-11-25T03:26:26.226Z\",\"status\":\"PLACED\"}").getBytes(StandardCharsets.UTF_8);
    private static final StoredResult RESULT = new StoredResult.Value(RESULT_JSON);
    private static final long TTL = TimeUnit.HOURS.toMillis(1);

    @Param({"redis", "memory"})
    public String store;

    private IdempotencyEngine engine;
    private IdempotentMethod method;
    private final AtomicLong keys = new AtomicLong();
    private String completedKey;

    @Setup(Level.Trial)
    public void start() {
        IdempotencyStore backing = store.equals("redis")
                ? RedisIdempotencyStore.connect(RedisSettings.forAddress(redisAddress()))
                : new InMemoryIdempotencyStore();
        engine = new IdempotencyEngine(backing, 30_000, GuardMetrics.NONE, Transactions.NONE,
                new ResponseLimits(ResponseLimits.DEFAULT_MAX_BODY_BYTES, ResponseLimits.DEFAULT_HEADERS));
        method = new IdempotentMethod("Orders#place()", new IdempotencySettings("bench/place", TTL, 0, true,
                List.of(), -1, dev.tollgate.Idempotent.FailureMode.REJECT), false,
                ResultShape.returned(String.class));
        completedKey = "completed-" + System.nanoTime();
        engine.claim(method, completedKey, "fp").claim().complete(RESULT, TTL);
    }

    @TearDown(Level.Trial)
    public void finish() {
        engine.close();
    }

    /** A new key: claim, then store the result. */
    @Benchmark
    public void firstCall() {
        String key = "k-" + keys.incrementAndGet() + "-" + System.nanoTime();
        engine.claim(method, key, "fp").claim().complete(RESULT, TTL);
    }

    /** A completed key: one claim that finds the result. */
    @Benchmark
    public StoredResult replay() {
        return engine.claim(method, completedKey, "fp").replay();
    }

    private static String redisAddress() {
        String address = System.getProperty("tollgate.bench.redis");
        if (address == null) {
            throw new IllegalStateException("-Dtollgate.bench.redis=redis://127.0.0.1:<port> is required");
        }
        return address;
    }
}
