package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances (two backends, two Redisson clients, two instance ids) leasing one hot fixed window of one
 * redis-server, 16 threads each, over many one-second windows: no window admits more than the limit, and over the
 * busy windows the run covers entirely, at most 1 % of the limit goes unadmitted.
 *
 * <p>Windows alternate: in a busy one (even number) every thread calls flat out, demand far above the limit; in a
 * quiet one each thread pauses between calls, so that about half the limit is asked for and the instances end the
 * window holding unspent permits. Those must not be spent in the next window, which is busy.
 *
 * <p>Each admission is counted in the window of the wall clock it happened in (the same clock as the server's: both
 * run on this machine), so a permit leased in one window and spent in the next counts in the next, which then admits
 * more than the limit (the test fails so if a fixed window's lease is allowed to outlive its window by 300 ms). A call
 * that started in one window and ended in the next is counted in the one its decision names. Its permit was taken at
 * some instant {@code take} between the two, and its {@code reset} counts from then to the end of the window its lease
 * was granted in, less the lease's trip to Redis (a lease expires early rather than late): that window is the first
 * boundary at or after {@code take + reset}. Only {@code before} and {@code after} are known, so the call is counted
 * there when {@code before + reset} and {@code after + reset} name the same boundary; otherwise (the thread was held up
 * between taking its permit and returning, e.g. by a pause of the whole JVM on a loaded machine) it is ambiguous, is
 * counted in no window, and is reported (for under-admission it counts as admitted).
 *
 * <p>A refused caller pauses a millisecond before asking again, as a client honouring {@code Retry-After} would pause
 * longer: demand stays far above the limit (32 callers), and 32 threads spinning on refusals do not starve the two
 * clients' network threads and the server of the machine's CPU.
 */
class LeasingTwoInstancesTest {

    private static final long WINDOW = 1000;
    private static final long LIMIT = 5000;
    private static final int THREADS_EACH = 16;
    private static final int WINDOWS = 14;
    /** A quiet window's pause between one thread's calls: 32 threads then ask for about half the limit. */
    private static final long QUIET_PAUSE_MILLIS = 2 * THREADS_EACH * WINDOW / (LIMIT / 2);

    private static RedisProcess redis;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void twoInstancesNeverExceedTheLimitAndUnderAdmitAtMostOnePercent() throws Exception {
        // Safety, 0 over the limit, is asserted in every window of every run, and fails the test at once. The bound on
        // under-admission assumes demand far above the limit in every busy window, which a starved JVM on a loaded
        // 2-core machine does not keep up (its callers, or a lease's reply, stall past a window's end): a run that
        // under-admits more than 1 % is run again, at most twice, and the test fails if none met the bound.
        StringBuilder runs = new StringBuilder();
        for (int run = 1; run <= 3; run++) {
            double underPercent = run(runs, "hot-" + run);
            if (underPercent <= 1.0) {
                return;
            }
        }
        assertThat(runs.toString()).as("no run under-admitted at most 1 %%").isEmpty();
    }

    /** One run of {@link #WINDOWS} windows; asserts 0 over the limit; returns the busy windows' under-admission. */
    private double run(StringBuilder runs, String limiter) throws Exception {
        LimitRequest request = new LimitRequest(limiter, "", LimitPolicy.window(Algorithm.FIXED_WINDOW, LIMIT, WINDOW),
                1, null, true);
        Map<Long, LongAdder> admittedByWindowEnd = new ConcurrentSkipListMap<>();
        AtomicLong straddling = new AtomicLong();
        AtomicLong ambiguous = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        // Start on a window boundary, a little after it so that the first window is whole.
        long startAt = (System.currentTimeMillis() / WINDOW + 2) * WINDOW + 5;
        long stopAt = startAt + WINDOWS * WINDOW - 10;
        List<RedisRateLimitBackend> backends = List.of(
                RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address())),
                RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address())));
        for (RedisRateLimitBackend backend : backends) {
            // Connections up and the lease script cached before the first window: a first call can take hundreds of
            // milliseconds, and the permits of a lease that arrives after its window has ended are lost.
            backend.acquire(List.of(new LimitRequest("warm-up", "", request.policy(), 1, null, true)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_EACH);
        try {
            CountDownLatch ready = new CountDownLatch(2 * THREADS_EACH);
            List<Future<?>> callers = new ArrayList<>();
            for (RedisRateLimitBackend backend : backends) {
                for (int t = 0; t < THREADS_EACH; t++) {
                    callers.add(pool.submit(() -> {
                        ready.countDown();
                        while (System.currentTimeMillis() < startAt) {
                            Thread.onSpinWait();
                        }
                        while (true) {
                            long before = System.currentTimeMillis();
                            if (before >= stopAt) {
                                return null;
                            }
                            if (!busy(before)) {
                                Thread.sleep(QUIET_PAUSE_MILLIS);
                                before = System.currentTimeMillis();
                            }
                            RateLimitDecision decision;
                            try {
                                decision = backend.acquire(List.of(request));
                            } catch (BackendUnavailableException e) {
                                // A lease that Redis did not answer within the command timeout (a starved machine):
                                // nothing admitted, which the under-admission then shows.
                                unavailable.incrementAndGet();
                                continue;
                            }
                            long after = System.currentTimeMillis();
                            if (!decision.permitted()) {
                                refused.incrementAndGet();
                                Thread.sleep(1);
                                continue;
                            }
                            long first = (before / WINDOW + 1) * WINDOW;
                            long last = (after / WINDOW + 1) * WINDOW;
                            long end = first;
                            if (last != first) {
                                straddling.incrementAndGet();
                                long reset = decision.outcome(0).resetMillis();
                                long earliest = Math.max(first, Math.min(last, boundaryAtOrAfter(before + reset)));
                                long latest = Math.max(first, Math.min(last, boundaryAtOrAfter(after + reset)));
                                if (earliest != latest) {
                                    ambiguous.incrementAndGet();
                                    continue;
                                }
                                end = earliest;
                            }
                            admittedByWindowEnd.computeIfAbsent(end, e -> new LongAdder()).increment();
                        }
                    }));
                }
            }
            for (Future<?> caller : callers) {
                caller.get(WINDOWS * WINDOW + 60_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
            backends.forEach(RedisRateLimitBackend::close);
        }

        long full = 0;
        long quiet = 0;
        long under = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<Long, LongAdder> window : admittedByWindowEnd.entrySet()) {
            long admitted = window.getValue().sum();
            boolean whole = window.getKey() - WINDOW >= startAt - 5 && window.getKey() <= stopAt;
            boolean busy = busy(window.getKey() - WINDOW);
            report.append(String.format("window ending %d: %d admitted%s%n", window.getKey(), admitted,
                    !whole ? " (partly covered)" : busy ? "" : " (quiet)"));
            assertThat(admitted).as("admitted in the window ending at %d (%d admissions ambiguous)", window.getKey(),
                    ambiguous.get()).isLessThanOrEqualTo(LIMIT);
            if (whole && busy) {
                full++;
                under += LIMIT - admitted;
            } else if (whole) {
                quiet++;
                assertThat(admitted).as("admitted in the quiet window ending at %d", window.getKey())
                        .isLessThan(LIMIT);
            }
        }
        double underPercent = 100.0 * Math.max(0, under - ambiguous.get()) / (full * LIMIT);
        report.append(String.format("%d whole busy windows, %d quiet, %d refused calls, %d admissions across a"
                + " boundary (%d of them in no window: ambiguous), %d calls unanswered in time, under-admission in the"
                + " busy ones %.3f %%%n", full, quiet, refused.get(), straddling.get(), ambiguous.get(),
                unavailable.get(), underPercent));
        System.out.print(report);
        runs.append(report);
        assertThat(full).isGreaterThanOrEqualTo(WINDOWS / 2 - 1);
        assertThat(quiet).isGreaterThanOrEqualTo(WINDOWS / 2 - 1);
        return underPercent;
    }

    /**
     * The first window boundary at or after {@code millis}, allowing 2 ms for rounding: a reset is whole milliseconds
     * rounded up, and the wall clock read around the call ticks in milliseconds.
     */
    private static long boundaryAtOrAfter(long millis) {
        return Math.floorDiv(millis - 2 + WINDOW - 1, WINDOW) * WINDOW;
    }

    /** Whether the window that {@code millis} falls in is a busy one. */
    private static boolean busy(long millis) {
        return (millis / WINDOW) % 2 == 0;
    }
}
