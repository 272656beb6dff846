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
import dev.tollgate.internal.redis.RedissonClients;
import dev.tollgate.internal.resilience.BackendCircuit;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RedissonClient;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cost of {@code @Idempotent} below the interceptor, through the same engine it uses: a <b>first call</b> (claim
 * a new key, start its lease renewal, store a 100-byte JSON result: a claim and a complete) and a <b>replay</b>
 * (claim a completed key and read its result back: one claim), on Redis (with store operations batched, as
 * deployed, and without: {@code redis-unbatched}) and in memory; beside them, in the same run
 * and against the same redis-server, the floor: a bare {@code INCR} on one key (RedisDecisions' {@code incr}
 * contender), so that the ratios to it are measured side by side. Calls per second.
 *
 * <p>On Redis each trial also records, over its measurement iterations only, the benchmark JVM's CPU, the Redis
 * server's CPU and its commands per call ({@code EVALSHA} per call tells how many calls a script call carried), in
 * {@code stats.tsv} as {@code idempotent <benchmark> <store> <threads> <calls> <seconds> <redis cpu s> <commands>
 * <client cpu s>}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IdempotentCalls {

    private static final byte[] RESULT_JSON = ("{\"id\":\"ord-0001\",\"item\":\"book\",\"quantity\":2,"
            + "\"createdAt\":\"2026-11-25T03:26:26.226Z\",\"status\":\"PLACED\"}").getBytes(StandardCharsets.UTF_8);
    private static final StoredResult RESULT = new StoredResult.Value(RESULT_JSON);
    private static final long TTL = TimeUnit.HOURS.toMillis(1);

    /** The engine on one store. */
    @State(Scope.Benchmark)
    public static class Engine extends Measured {

        /** {@code redis-unbatched}: every store operation a script call of its own, as before batching. */
        @Param({"redis", "redis-unbatched", "memory"})
        public String store;

        private IdempotencyEngine engine;
        private IdempotentMethod method;
        private final AtomicLong keys = new AtomicLong();
        private String completedKey;
        /** How long a first call's result is kept: an hour on Redis, 1 s in memory (see {@link #start}). */
        private long firstCallTtl;

        @Setup(Level.Trial)
        public void start(BenchmarkParams benchmark) {
            RedisSettings redis = RedisSettings.forAddress(redisAddress());
            IdempotencyStore backing = switch (store) {
                case "redis" -> RedisIdempotencyStore.connect(redis);
                case "redis-unbatched" -> new RedisIdempotencyStore(RedissonClients.create(redis), true,
                        redis.keyPrefix(), redis.operationTimeout(), BackendCircuit.none(), false);
                // At a few hundred thousand first calls a second, an hour's records would fill any bound: in memory
                // they live 1 s, and the store holds up to 5 million (a full store refuses new keys, as deployed).
                default -> new InMemoryIdempotencyStore(5_000_000);
            };
            engine = new IdempotencyEngine(backing, 30_000, GuardMetrics.NONE, Transactions.NONE,
                    new ResponseLimits(ResponseLimits.DEFAULT_MAX_BODY_BYTES, ResponseLimits.DEFAULT_HEADERS));
            method = new IdempotentMethod("Orders#place()", new IdempotencySettings("bench/place", TTL, 0, true,
                    List.of(), -1, dev.tollgate.Idempotent.FailureMode.REJECT), false,
                    ResultShape.returned(String.class));
            firstCallTtl = store.equals("memory") ? 1000 : TTL;
            completedKey = "completed-" + System.nanoTime();
            engine.claim(method, completedKey, "fp").claim().complete(RESULT, TTL);
            begin(!store.equals("memory"));
        }

        @TearDown(Level.Trial)
        public void finish(BenchmarkParams benchmark) {
            end(benchmark, store);
            engine.close();
        }
    }

    /** The floor: one {@code INCR} on one key, one round trip, no script, through a Redisson client of its own. */
    @State(Scope.Benchmark)
    public static class Floor extends Measured {

        private RedissonClient client;
        private RAtomicLong counter;

        @Setup(Level.Trial)
        public void start() {
            client = RedisContenders.peerClient(redisAddress());
            counter = client.getAtomicLong(Keys.peerName("idempotent-floor"));
            begin(true);
        }

        @TearDown(Level.Trial)
        public void finish(BenchmarkParams benchmark) {
            end(benchmark, "redis");
            client.shutdown();
        }
    }

    /** A new key: claim, then store the result. */
    @Benchmark
    public void firstCall(Engine engine) {
        engine.calls.increment();
        String key = "k-" + engine.keys.incrementAndGet() + "-" + System.nanoTime();
        engine.engine.claim(engine.method, key, "fp").claim().complete(RESULT, engine.firstCallTtl);
    }

    /** A completed key: one claim that finds the result. */
    @Benchmark
    public StoredResult replay(Engine engine) {
        engine.calls.increment();
        return engine.engine.claim(engine.method, engine.completedKey, "fp").replay();
    }

    /** The floor. */
    @Benchmark
    public long incr(Floor floor) {
        floor.calls.increment();
        return floor.counter.incrementAndGet();
    }

    private static String redisAddress() {
        String address = System.getProperty("tollgate.bench.redis");
        if (address == null) {
            throw new IllegalStateException("-Dtollgate.bench.redis=redis://127.0.0.1:<port> is required");
        }
        return address;
    }

    /** What a trial cost the client and Redis, over its measurement iterations only (as in RedisDecisions). */
    public abstract static class Measured {

        final LongAdder calls = new LongAdder();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private RedisServerStats stats;
        private long measured;
        private double seconds;
        private double redisCpu;
        private long clientCpu;
        private final Map<String, Long> commands = new HashMap<>();
        private Map<String, Long> commandsBefore;
        private double redisCpuBefore;
        private long clientCpuBefore;
        private long startNanos;

        void begin(boolean redis) {
            if (redis) {
                stats = new RedisServerStats(redisAddress());
            }
        }

        @Setup(Level.Iteration)
        public void beforeIteration(IterationParams iteration) {
            if (iteration.getType() == IterationType.MEASUREMENT) {
                if (stats != null) {
                    commandsBefore = stats.commands();
                    redisCpuBefore = stats.cpuSeconds();
                }
                calls.reset();
                clientCpuBefore = os.getProcessCpuTime();
                startNanos = System.nanoTime();
            }
        }

        @TearDown(Level.Iteration)
        public void afterIteration(IterationParams iteration) {
            if (iteration.getType() == IterationType.MEASUREMENT) {
                seconds += (System.nanoTime() - startNanos) / 1e9;
                clientCpu += os.getProcessCpuTime() - clientCpuBefore;
                measured += calls.sum();
                if (stats != null) {
                    redisCpu += stats.cpuSeconds() - redisCpuBefore;
                    RedisServerStats.minus(stats.commands(), commandsBefore)
                            .forEach((c, n) -> commands.merge(c, n, Long::sum));
                }
            }
        }

        void end(BenchmarkParams benchmark, String store) {
            String name = benchmark.getBenchmark();
            StatsFile.append("idempotent", name.substring(name.lastIndexOf('.') + 1), store,
                    String.valueOf(benchmark.getThreads()), String.valueOf(measured), String.format("%.3f", seconds),
                    String.format("%.6f", redisCpu), StatsFile.commands(commands),
                    String.format("%.6f", clientCpu / 1e9));
            if (stats != null) {
                stats.close();
            }
        }
    }
}
