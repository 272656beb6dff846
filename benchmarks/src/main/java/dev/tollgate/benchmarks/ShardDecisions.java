package dev.tollgate.benchmarks;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.redis.ClusterSlots;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.internal.redis.RedissonClients;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BreakerSettings;
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
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one Redis shard does per decision, for the capacity model of docs/scaling.md: Tollgate's engine with and
 * without batching ({@code batching}), per algorithm, on one hot partition, over 10,000 partitions picked uniformly,
 * or over 10,000 picked by a Zipf law ({@code zipf10000}, exponent 1: the first partition takes about a tenth of the
 * decisions). Against one redis-server ({@code -Dtollgate.bench.redis=redis://127.0.0.1:<port>}) or a Redis Cluster
 * ({@code -Dtollgate.bench.cluster=<port>,<port>,...}, the masters in slot order, as {@link ClusterLauncher} starts
 * them).
 *
 * <p>Per trial and per server, over the measurement iterations only, it writes one {@code shard} line to
 * {@code -Dtollgate.bench.stats}: decisions sent to that server (by the partition's slot, counted by the client),
 * the server's CPU time ({@code INFO cpu}: used_cpu_user + used_cpu_sys), its {@code INFO commandstats} calls and
 * microseconds per command, the benchmark JVM's CPU time, and the 1-minute load average before and after. A
 * {@code CONCURRENCY} decision is an acquire and its release, two script calls unbatched.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ShardDecisions {

    static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(5);

    @Param({"fixed", "sliding", "bucket", "gcra", "concurrency"})
    public String algorithm;

    @Param({"on", "off"})
    public String batching;

    @Param({"1", "10000"})
    public String keys;

    private Contender subject;
    private List<RedisServerStats> servers;
    private String target;
    /** Per partition index, the server its slot is on. */
    private int[] serverOf;
    /** Cumulative Zipf probabilities, or null for a uniform pick. */
    private double[] zipf;
    private int partitions;
    private LongAdder[] decisions;

    private List<Measure> start;
    private long[] measuredDecisions;
    private double[] measuredCpu;
    private List<Map<String, Long>> measuredCalls;
    private List<Map<String, Long>> measuredMicros;
    private double measuredSeconds;
    private long startNanos;
    private long clientCpuBefore;
    private long clientCpu;
    private String loadBefore;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    @Setup(Level.Trial)
    public void start() {
        String single = System.getProperty("tollgate.bench.redis");
        String cluster = System.getProperty("tollgate.bench.cluster");
        List<String> addresses = new ArrayList<>();
        if (cluster != null) {
            for (String port : cluster.trim().split("[ ,]+")) {
                addresses.add("redis://127.0.0.1:" + port);
            }
            target = "cluster" + addresses.size();
        } else if (single != null) {
            addresses.add(single);
            target = "single";
        } else {
            throw new IllegalStateException("-Dtollgate.bench.redis=redis://127.0.0.1:<port> or "
                    + "-Dtollgate.bench.cluster=<port> <port> <port> is required");
        }
        servers = new ArrayList<>();
        for (String address : addresses) {
            RedisServerStats stats = new RedisServerStats(address);
            stats.reset();
            servers.add(stats);
        }
        boolean zipfian = keys.startsWith("zipf");
        partitions = Integer.parseInt(zipfian ? keys.substring("zipf".length()) : keys);
        zipf = zipfian ? zipf(partitions, 1.0) : null;
        String[] names = Keys.partitions(0, partitions);
        serverOf = new int[partitions];
        for (int i = 0; i < partitions; i++) {
            serverOf[i] = ClusterLauncher.masterOf(ClusterSlots.ofPartition(names[i]), servers.size());
        }
        decisions = new LongAdder[servers.size()];
        Arrays.setAll(decisions, i -> new LongAdder());
        measuredDecisions = new long[servers.size()];
        measuredCpu = new double[servers.size()];
        measuredCalls = new ArrayList<>();
        measuredMicros = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            measuredCalls.add(new HashMap<>());
            measuredMicros.add(new HashMap<>());
        }

        RedisRateLimitBackend backend = backend(addresses, cluster != null, batching.equals("on"));
        subject = switch (algorithm) {
            case "fixed" -> new RedisContenders.Tollgate(backend, Algorithm.FIXED_WINDOW, names, Policy.THROUGHPUT);
            case "sliding" -> new RedisContenders.Tollgate(backend, Algorithm.SLIDING_WINDOW, names,
                    Policy.THROUGHPUT);
            case "bucket" -> new RedisContenders.Tollgate(backend, Algorithm.TOKEN_BUCKET, names, Policy.THROUGHPUT);
            case "gcra" -> new RedisContenders.Tollgate(backend, Algorithm.GCRA, names, Policy.THROUGHPUT);
            case "concurrency" -> new ConcurrentCalls(backend, names);
            default -> throw new IllegalArgumentException("Unknown algorithm " + algorithm);
        };
        servers.forEach(RedisServerStats::resetStats);
    }

    /**
     * Tollgate's backend with a deployment's defaults (the settings of {@code RedissonClients}; on a cluster the same
     * per master), behind the default circuit breaker, with batching on or off; but a command timeout of
     * {@link #TIMEOUT} instead of 1 s: this measures capacity, and on this shared machine a trial's first seconds (JIT,
     * 32 threads, other builds) once took over a second to answer, which failed the trial.
     */
    private static RedisRateLimitBackend backend(List<String> addresses, boolean cluster, boolean batching) {
        RedisSettings defaults = RedisSettings.forAddress(addresses.get(0));
        RedisSettings settings = defaults.withTimeouts(TIMEOUT, defaults.retryAttempts(), defaults.retryInterval());
        RedissonClient client;
        if (cluster) {
            Config config = new Config();
            ClusterServersConfig servers = config.useClusterServers()
                    .setTimeout((int) settings.commandTimeout().toMillis())
                    .setConnectTimeout((int) settings.connectTimeout().toMillis())
                    .setRetryAttempts(settings.retryAttempts())
                    .setRetryDelay(new ConstantDelay(settings.retryInterval()))
                    .setMasterConnectionMinimumIdleSize(4)
                    .setMasterConnectionPoolSize(64);
            addresses.forEach(servers::addNodeAddress);
            config.setNettyThreads(RedissonClients.nettyThreads());
            config.setUseScriptCache(false);
            config.setReferenceEnabled(false);
            client = Redisson.create(config);
        } else {
            client = RedissonClients.create(settings);
        }
        return new RedisRateLimitBackend(client, true, settings.keyPrefix(), settings.operationTimeout(),
                new BackendCircuit("redis", BreakerSettings.DEFAULTS, GuardMetrics.NONE), batching);
    }

    /** Cumulative probabilities of ranks 1..n under a Zipf law of exponent {@code s}. */
    static double[] zipf(int n, double s) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        return cumulative;
    }

    private record Measure(double cpu, Map<String, Long> calls, Map<String, Long> micros) {
    }

    @Setup(Level.Iteration)
    public void beforeIteration(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            if (loadBefore == null) {
                loadBefore = load();
            }
            start = new ArrayList<>();
            for (RedisServerStats server : servers) {
                start.add(new Measure(server.cpuSeconds(), server.commands(), server.commandMicros()));
            }
            for (LongAdder adder : decisions) {
                adder.reset();
            }
            clientCpuBefore = os.getProcessCpuTime();
            startNanos = System.nanoTime();
        }
    }

    @TearDown(Level.Iteration)
    public void afterIteration(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            measuredSeconds += (System.nanoTime() - startNanos) / 1e9;
            clientCpu += os.getProcessCpuTime() - clientCpuBefore;
            for (int i = 0; i < servers.size(); i++) {
                RedisServerStats server = servers.get(i);
                measuredDecisions[i] += decisions[i].sum();
                measuredCpu[i] += server.cpuSeconds() - start.get(i).cpu();
                Map<String, Long> calls = measuredCalls.get(i);
                Map<String, Long> micros = measuredMicros.get(i);
                RedisServerStats.minus(server.commands(), start.get(i).calls())
                        .forEach((c, n) -> calls.merge(c, n, Long::sum));
                RedisServerStats.minus(server.commandMicros(), start.get(i).micros())
                        .forEach((c, n) -> micros.merge(c, n, Long::sum));
            }
        }
    }

    @TearDown(Level.Trial)
    public void finish(BenchmarkParams benchmark) {
        String loadAfter = load();
        for (int i = 0; i < servers.size(); i++) {
            StatsFile.append("shard", target, algorithm, batching, keys, String.valueOf(benchmark.getThreads()),
                    String.valueOf(i), String.valueOf(measuredDecisions[i]), String.format("%.3f", measuredSeconds),
                    String.format("%.6f", measuredCpu[i]), StatsFile.commands(measuredCalls.get(i)),
                    StatsFile.commands(measuredMicros.get(i)), String.format("%.6f", clientCpu / 1e9),
                    loadBefore, loadAfter);
        }
        subject.close();
        servers.forEach(RedisServerStats::close);
    }

    /** The 1-minute load average. */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each thread picks its partitions from its own generator. */
    @State(Scope.Thread)
    public static class Caller {
        private final SplittableRandom random = new SplittableRandom();
    }

    @Benchmark
    public boolean decide(Caller caller) {
        int index;
        if (partitions == 1) {
            index = 0;
        } else if (zipf == null) {
            index = caller.random.nextInt(partitions);
        } else {
            index = Arrays.binarySearch(zipf, caller.random.nextDouble());
            index = index >= 0 ? index : Math.min(-index - 1, partitions - 1);
        }
        decisions[serverOf[index]].increment();
        return subject.decide(index);
    }
}
