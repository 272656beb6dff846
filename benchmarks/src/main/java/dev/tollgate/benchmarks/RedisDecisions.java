package dev.tollgate.benchmarks;

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

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decisions per second against one real redis-server ({@code -Dtollgate.bench.redis=redis://127.0.0.1:<port>}),
 * on one hot partition ({@code keys=1}) or spread uniformly over 10,000. The thread count comes from JMH's
 * {@code -t}.
 *
 * <p>Besides JMH's score, each trial records what Redis did during the measurement iterations only: commands per
 * decision (scripts' inner commands included), Redis CPU per decision, the benchmark JVM's own CPU per decision
 * (the client's side: Redisson, its Netty threads, the contender, JMH), and at the end the keys left, their memory
 * and how many have no TTL ({@link StatsFile}). Each trial starts from an empty server with zeroed statistics.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisDecisions {

    @Param({"tollgate-fixed", "tollgate-sliding", "tollgate-bucket", "tollgate-gcra", "tollgate-concurrency",
            "tollgate-fixed-leased", "tollgate-bucket-leased", "bucket4j", "bucket4j-batching", "rratelimiter", "incr"})
    public String contender;

    @Param({"1", "10000"})
    public int keys;

    private Contender subject;
    private RedisServerStats stats;
    private final LongAdder decisions = new LongAdder();
    private long measured;
    private double measuredSeconds;
    private double cpu;
    private final Map<String, Long> commands = new HashMap<>();
    private Map<String, Long> commandsBefore;
    private double cpuBefore;
    private long startNanos;
    private long clientCpuBefore;
    private long clientCpu;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    @Setup(Level.Trial)
    public void start() {
        String address = System.getProperty("tollgate.bench.redis");
        if (address == null) {
            throw new IllegalStateException("-Dtollgate.bench.redis=redis://127.0.0.1:<port> is required");
        }
        stats = new RedisServerStats(address);
        stats.reset();
        subject = RedisContenders.create(contender, address, Keys.partitions(0, keys), Policy.THROUGHPUT);
        stats.resetStats();
    }

    @Setup(Level.Iteration)
    public void beforeIteration(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            commandsBefore = stats.commands();
            cpuBefore = stats.cpuSeconds();
            decisions.reset();
            clientCpuBefore = os.getProcessCpuTime();
            startNanos = System.nanoTime();
        }
    }

    @TearDown(Level.Iteration)
    public void afterIteration(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            measuredSeconds += (System.nanoTime() - startNanos) / 1e9;
            clientCpu += os.getProcessCpuTime() - clientCpuBefore;
            measured += decisions.sum();
            cpu += stats.cpuSeconds() - cpuBefore;
            RedisServerStats.minus(stats.commands(), commandsBefore).forEach((c, n) -> commands.merge(c, n, Long::sum));
        }
    }

    @TearDown(Level.Trial)
    public void finish(BenchmarkParams benchmark) {
        RedisServerStats.Footprint footprint = stats.footprint();
        StatsFile.append("redis", contender, String.valueOf(keys), String.valueOf(benchmark.getThreads()),
                String.valueOf(measured), String.format("%.3f", measuredSeconds), String.format("%.6f", cpu),
                String.valueOf(footprint.keys()), String.valueOf(footprint.bytes()),
                String.valueOf(footprint.withoutTtl()), StatsFile.commands(commands),
                String.format("%.6f", clientCpu / 1e9));
        subject.close();
        stats.close();
    }

    /** Each thread picks its partitions from its own generator. */
    @State(Scope.Thread)
    public static class Caller {
        private final SplittableRandom random = new SplittableRandom();

        int next(int keys) {
            return keys == 1 ? 0 : random.nextInt(keys);
        }
    }

    @Benchmark
    public boolean decide(Caller caller) {
        decisions.increment();
        return subject.decide(caller.next(keys));
    }
}
