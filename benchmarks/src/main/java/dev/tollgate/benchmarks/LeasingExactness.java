package dev.tollgate.benchmarks;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.testing.RedisProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * How exact permit leasing is: two instances (two backends, each with its own Redisson client and instance id) lease
 * one hot fixed window of one redis-server, 32 threads in all, calling flat out, so that the limit is reached in every
 * window. Prints the admissions of each window, how many windows admitted more than the limit, and the under-admission
 * (permits of the whole windows that no call got, among windows where calls were refused) in percent. The instances
 * first call flat out for three seconds on another key, so that the code is compiled before the first window.
 *
 * <pre>
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.tollgate.benchmarks.LeasingExactness \
 *     [redis://127.0.0.1:&lt;port&gt;] [-Dleasing.limit=20000] [-Dleasing.windows=20] [-Dleasing.threads=32]
 * </pre>
 * Without an address it starts a redis-server of its own (the one embedded-redis ships).
 *
 * <p>An admission is counted in the window of the wall clock it happened in (the server runs on this machine, so on
 * the same clock); a call that began in one window and ended in the next is counted in the one its decision names
 * (its reset, rounded to a window boundary). A refused caller pauses one millisecond before asking again, so that the
 * spinning callers leave the two clients' threads and the server some CPU; demand stays far above the limit.
 */
public final class LeasingExactness {

    private static final long WINDOW = 1000;
    private static final long WARM_UP_MILLIS = 3000;

    private LeasingExactness() {
    }

    public static void main(String[] args) throws Exception {
        long limit = Long.getLong("leasing.limit", 20_000);
        int windows = Integer.getInteger("leasing.windows", 20);
        int threads = Integer.getInteger("leasing.threads", 32);
        RedisProcess own = args.length == 0 ? RedisProcess.start() : null;
        String address = own != null ? own.address() : args[0];
        try {
            run(address, limit, windows, threads);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private static void run(String address, long limit, int windows, int threads) throws Exception {
        LimitPolicy policy = LimitPolicy.window(Algorithm.FIXED_WINDOW, limit, WINDOW);
        LimitRequest request = new LimitRequest(Keys.LIMITER, "exactness-" + System.nanoTime(), policy, 1, null, true);
        List<RedisRateLimitBackend> instances = List.of(RedisContenders.Tollgate.backend(address),
                RedisContenders.Tollgate.backend(address));
        // Connections up, the script cached and the code compiled before the first window: a cold JVM on a busy
        // machine makes fewer calls in its first second than the limit, which would read as under-admission.
        LimitRequest warmUp = new LimitRequest(Keys.LIMITER, "warm-up-" + System.nanoTime(), policy, 1, null, true);
        long warmUntil = System.currentTimeMillis() + WARM_UP_MILLIS;
        ExecutorService warming = Executors.newFixedThreadPool(threads);
        List<Future<?>> warmers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            RedisRateLimitBackend instance = instances.get(t % 2);
            warmers.add(warming.submit(() -> {
                while (System.currentTimeMillis() < warmUntil) {
                    if (!instance.acquire(List.of(warmUp)).permitted()) {
                        Thread.sleep(1);
                    }
                }
                return null;
            }));
        }
        for (Future<?> warmer : warmers) {
            warmer.get(WARM_UP_MILLIS + 60_000, TimeUnit.MILLISECONDS);
        }
        warming.shutdown();
        Map<Long, LongAdder> refusedByWindow = new ConcurrentSkipListMap<>();
        Map<Long, LongAdder> admitted = new ConcurrentSkipListMap<>();
        LongAdder decisions = new LongAdder();
        long startAt = (System.currentTimeMillis() / WINDOW + 2) * WINDOW;
        long stopAt = startAt + windows * WINDOW;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RedisRateLimitBackend instance = instances.get(t % 2);
                callers.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < startAt) {
                        Thread.sleep(1);
                    }
                    while (true) {
                        long before = System.currentTimeMillis();
                        if (before >= stopAt) {
                            return null;
                        }
                        RateLimitDecision decision = instance.acquire(List.of(request));
                        long after = System.currentTimeMillis();
                        decisions.increment();
                        if (!decision.permitted()) {
                            refusedByWindow.computeIfAbsent((before / WINDOW + 1) * WINDOW, e -> new LongAdder())
                                    .increment();
                            Thread.sleep(1);
                            continue;
                        }
                        long end = (before / WINDOW + 1) * WINDOW;
                        long last = (after / WINDOW + 1) * WINDOW;
                        if (last != end) {
                            long named = Math.round((after + decision.outcome(0).resetMillis()) / (double) WINDOW)
                                    * WINDOW;
                            end = Math.max(end, Math.min(last, named));
                        }
                        admitted.computeIfAbsent(end, e -> new LongAdder()).increment();
                    }
                }));
            }
            for (Future<?> caller : callers) {
                caller.get(windows * WINDOW + 60_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
            instances.forEach(RedisRateLimitBackend::close);
        }
        report(admitted, refusedByWindow, limit, startAt, stopAt, threads, decisions.sum());
    }

    /**
     * Under-admission counts the whole windows in which calls were refused: demand was above what was admitted there.
     * A window without refusals had less demand than the limit (reported, not counted).
     */
    private static void report(Map<Long, LongAdder> admitted, Map<Long, LongAdder> refused, long limit, long startAt,
                               long stopAt, int threads, long decisions) {
        long over = 0;
        long whole = 0;
        long under = 0;
        long slack = 0;
        System.out.printf("two instances, %d threads, one hot key, limit %d per %d ms fixed window, leasing%n",
                threads, limit, WINDOW);
        for (Map.Entry<Long, LongAdder> window : admitted.entrySet()) {
            long count = window.getValue().sum();
            long refusals = refused.containsKey(window.getKey()) ? refused.get(window.getKey()).sum() : 0;
            boolean complete = window.getKey() - WINDOW >= startAt && window.getKey() <= stopAt;
            System.out.printf("window ending %d: %d admitted, %d refused%s%n", window.getKey(), count, refusals,
                    !complete ? " (partly covered)" : refusals == 0 ? " (demand below the limit)" : "");
            if (count > limit) {
                over++;
            }
            if (complete && refusals > 0) {
                whole++;
                under += Math.max(0, limit - count);
            } else if (complete) {
                slack++;
            }
        }
        System.out.printf("windows over the limit: %d%n", over);
        System.out.printf("whole windows with demand above the limit: %d (and %d below), under-admission: %.3f %%%n",
                whole, slack, 100.0 * under / (whole * limit));
        System.out.printf("decisions (admitted and refused): %d%n", decisions);
    }
}
