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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Decisions per second of the in-process limiters, on one hot partition or spread over 10,000. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LocalDecisions {

    @Param({"tollgate-fixed", "tollgate-sliding", "tollgate-bucket", "tollgate-gcra", "tollgate-concurrency",
            "bucket4j", "resilience4j", "bucket4j-cache", "resilience4j-cache", "bucket4j-map", "resilience4j-map"})
    public String contender;

    @Param({"1", "10000"})
    public int keys;

    private Contender subject;

    @Setup(Level.Trial)
    public void start() {
        subject = LocalContenders.create(contender, Keys.partitions(0, keys), Policy.THROUGHPUT);
    }

    @TearDown(Level.Trial)
    public void finish() {
        subject.close();
    }

    @State(Scope.Thread)
    public static class Caller {
        private final SplittableRandom random = new SplittableRandom();

        int next(int keys) {
            return keys == 1 ? 0 : random.nextInt(keys);
        }
    }

    @Benchmark
    public boolean decide(Caller caller) {
        return subject.decide(caller.next(keys));
    }
}
