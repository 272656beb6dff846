package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.testing.RedisProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimit(leasing = true)} through the interceptor, in Weld SE, on a real redis-server: many simultaneous
 * callers get exactly the limit, by the annotation and by the global key; and the leases are counted in Micrometer.
 */
class LeasedRateLimitTest {

    static final int LIMIT = 200;

    @ApplicationScoped
    public static class Search {

        final AtomicInteger runs = new AtomicInteger();

        int runs() {
            return runs.get();
        }

        @RateLimit(name = "leased-search", limit = LIMIT, windowUnit = ChronoUnit.HOURS, leasing = true)
        public String query() {
            runs.incrementAndGet();
            return "found";
        }

        @RateLimit(name = "globally-leased", limit = LIMIT, windowUnit = ChronoUnit.HOURS,
                algorithm = RateLimit.Algorithm.TOKEN_BUCKET)
        public String browse() {
            runs.incrementAndGet();
            return "found";
        }
    }

    @ApplicationScoped
    public static class Registry {
        static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

        @Produces
        MeterRegistry registry() {
            return REGISTRY;
        }
    }

    @Test
    void manyCallersGetExactlyTheLimit() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Search.class, Registry.class)) {
            Search search = container.bean(Search.class);
            assertThat(admitted(search::query)).isEqualTo(LIMIT);
            assertThat(search.runs()).isEqualTo(LIMIT);
            assertThat(leasedKeys(redis)).isEqualTo(1);
            // A lease takes at most half of what remains, so the limit took several; demand exceeds the limit, so
            // every permit leased was spent and none went back (the hour-long window does not end meanwhile).
            assertThat(count(GuardMetrics.LEASES, "leased-search")).isGreaterThanOrEqualTo(2);
            assertThat(count(GuardMetrics.LEASED_PERMITS, "leased-search")).isEqualTo(LIMIT);
            assertThat(count(GuardMetrics.RETURNED_PERMITS, "leased-search")).isZero();
        }
    }

    /** A lease counter of {@code limiter}, -1 if it does not exist. */
    private static double count(String name, String limiter) {
        var counter = Registry.REGISTRY.find(name).tag("limiter", limiter).counter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void theGlobalKeyLeasesEveryLimitThatCanBe() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address(),
                     "tollgate.ratelimit.leasing", "true"), Search.class)) {
            Search search = container.bean(Search.class);
            // a bucket refilled at 200 an hour: at most one token comes back while the test runs
            assertThat(admitted(search::browse)).isBetween(LIMIT, LIMIT + 1);
            assertThat(leasedKeys(redis)).isEqualTo(1);
        }
    }

    /** The partitions some instance took leases of: each has a set of lessees. */
    private static long leasedKeys(RedisProcess redis) {
        try (var inspector = redis.inspector()) {
            return inspector.keys().stream().filter(key -> key.endsWith(":lessees")).count();
        }
    }

    /** 32 callers at once, 20 calls each: how many ran. */
    private static int admitted(java.util.function.Supplier<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 20; i++) {
                    try {
                        call.get();
                        admitted.incrementAndGet();
                    } catch (RateLimitExceededException refused) {
                        assertThat(refused.retryAfter()).isPositive();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return admitted.get();
    }
}
