package dev.tollgate.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/** Loaded once per build (class loader): runs one contender's decisions until told to stop. */
public final class InterleavedProbe {
    public static ToLongFunction<AtomicBoolean> make(String contender, int keys) {
        Contender subject = LocalContenders.create(contender, Keys.partitions(0, keys), Policy.THROUGHPUT);
        return stop -> {
            SplittableRandom random = new SplittableRandom();
            long ops = 0;
            boolean sink = false;
            while (!stop.get()) {
                for (int i = 0; i < 64; i++) {
                    sink ^= subject.decide(keys == 1 ? 0 : random.nextInt(keys));
                }
                ops += 64;
            }
            return sink ? ops : ops + 0;
        };
    }
}
