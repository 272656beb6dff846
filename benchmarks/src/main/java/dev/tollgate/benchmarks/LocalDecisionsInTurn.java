package dev.tollgate.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * In-memory decisions of several contenders ({@link LocalContenders}) taking turns in one JVM, in slices of half a
 * second: each cycle gives every contender one slice, so the slices of one cycle ran within a second or two of each
 * other, and a contender's rate is compared with the others' in the same cycle.
 *
 * <p>Why, beside {@link LocalDecisions}: on the shared benchmark machine, decisions over 10,000 partitions (a working
 * set larger than a core's 1 MB L2 cache) drop for seconds at a time to about a third of their rate, for every
 * contender alike, at 2 threads as at 32 (the per-second rates of one JVM go from about 28 to about 11 M/s and back;
 * {@code docs/benchmarks.md}). JMH measures each contender in a JVM of its own, 20 to 30 s apart, so one contender's
 * JVM may fall into such a spell and the next not, and three rounds do not settle which one is faster. Here a spell
 * covers neighbouring slices of all contenders alike, and the median of the per-cycle ratios discounts the cycles
 * that straddle one.
 *
 * <p>The price of one JVM for all: the call {@code subject.decide(index)} sees several classes, so the JIT cannot
 * inline a contender into the loop as it does in {@link LocalDecisions}; every contender pays the same virtual call.
 * Warm-up cycles (not counted) come first, taking turns as well.
 *
 * <p>Settings (system properties): {@code tollgate.bench.contenders} (comma-separated names of {@link
 * LocalContenders#create}; the first is compared with each of the others), {@code tollgate.bench.keys} (partitions,
 * 10,000), {@code tollgate.bench.threads} (32), {@code tollgate.bench.warmup-cycles} (15), {@code
 * tollgate.bench.cycles} (30), {@code tollgate.bench.slice-ms} (500).
 */
public final class LocalDecisionsInTurn {

    private final List<String> names;
    private final List<Contender> subjects = new ArrayList<>();
    private final int keys;
    private final Worker[] workers;
    private final CyclicBarrier barrier;
    private volatile Contender current;
    private volatile boolean stop;

    private LocalDecisionsInTurn(List<String> names, int keys, int threads) {
        this.names = names;
        this.keys = keys;
        for (String name : names) {
            subjects.add(LocalContenders.create(name, Keys.partitions(0, keys), Policy.THROUGHPUT));
        }
        workers = new Worker[threads];
        barrier = new CyclicBarrier(threads + 1);
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker();
            Thread thread = new Thread(workers[i], "in-turn-" + i);
            thread.setDaemon(true);
            thread.start();
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> names = List.of(System.getProperty("tollgate.bench.contenders",
                "tollgate-fixed,bucket4j,resilience4j").split(","));
        int keys = Integer.getInteger("tollgate.bench.keys", 10_000);
        int threads = Integer.getInteger("tollgate.bench.threads", 32);
        int warmups = Integer.getInteger("tollgate.bench.warmup-cycles", 15);
        int cycles = Integer.getInteger("tollgate.bench.cycles", 30);
        long slice = Long.getLong("tollgate.bench.slice-ms", 500);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "In turn: %s; %,d partition(s), %d thread(s), %d warm-up cycles, %d cycles of %d ms "
                + "slices (decisions/s, millions)%n", String.join(", ", names), keys, threads, warmups, cycles, slice);
        LocalDecisionsInTurn run = new LocalDecisionsInTurn(names, keys, threads);
        double[][] rates = new double[names.size()][cycles];
        for (int cycle = -warmups; cycle < cycles; cycle++) {
            StringBuilder line = new StringBuilder(cycle < 0 ? "warm-up" : "cycle " + (cycle + 1));
            double[] measured = new double[names.size()];
            // Each cycle starts one contender later, so that none always follows the same one.
            int first = Math.floorMod(cycle, names.size());
            for (int turn = 0; turn < names.size(); turn++) {
                int c = (first + turn) % names.size();
                measured[c] = run.slice(run.subjects.get(c), slice);
            }
            for (int c = 0; c < names.size(); c++) {
                line.append(String.format(Locale.ROOT, "  %s %.2f", names.get(c), measured[c] / 1e6));
                if (cycle >= 0) {
                    rates[c][cycle] = measured[c];
                }
            }
            out.println(line);
        }
        run.subjects.forEach(Contender::close);
        summary(out, names, rates);
    }

    /** The summary: each contender's median rate; the first's median ratio to each other within a cycle. */
    static void summary(PrintStream out, List<String> names, double[][] rates) {
        out.println();
        out.println("| contender | median M/s | min | max |");
        out.println("|---|---|---|---|");
        for (int c = 0; c < names.size(); c++) {
            out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", names.get(c), Quantiles.median(rates[c]) / 1e6,
                    Arrays.stream(rates[c]).min().orElse(0) / 1e6, Arrays.stream(rates[c]).max().orElse(0) / 1e6);
        }
        out.println();
        for (int c = 1; c < names.size(); c++) {
            double[] ratios = new double[rates[0].length];
            int ahead = 0;
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = rates[0][i] / rates[c][i];
                ahead += ratios[i] >= 1 ? 1 : 0;
            }
            out.printf(Locale.ROOT, "ratio %s / %s: median %.2f (quartiles %.2f, %.2f), ahead in %d of %d cycles%n",
                    names.get(0), names.get(c), Quantiles.median(ratios), Quantiles.of(ratios, 0.25),
                    Quantiles.of(ratios, 0.75), ahead, ratios.length);
        }
    }

    /** Runs every worker on {@code subject} for about {@code millis}; decisions per second. */
    private double slice(Contender subject, long millis) throws Exception {
        current = subject;
        stop = false;
        barrier.await();
        long started = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(millis);
        stop = true;
        long elapsed = System.nanoTime() - started;
        barrier.await(); // every worker has added its count
        long decisions = 0;
        for (Worker worker : workers) {
            decisions += worker.taken();
        }
        return decisions * 1e9 / elapsed;
    }

    /** One calling thread: decides calls on the current subject from one slice's start to its stop. */
    private final class Worker implements Runnable {
        private final SplittableRandom random = new SplittableRandom();
        private long count;
        /** Every result goes into this, published at the end of a slice, so that no call is optimized away. */
        private volatile int sink;

        /** The calls of the last slice; read after the slice's closing barrier. */
        long taken() {
            return count;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    barrier.await();
                    Contender subject = current;
                    int permitted = 0;
                    long calls = 0;
                    while (!stop) {
                        if (subject.decide(keys == 1 ? 0 : random.nextInt(keys))) {
                            permitted++;
                        }
                        calls++;
                    }
                    sink = permitted;
                    count = calls;
                    barrier.await();
                }
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
