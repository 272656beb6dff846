package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.testing.RedisProcess;
import jakarta.enterprise.context.ApplicationScoped;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @RateLimit(algorithm = CONCURRENCY)} through the interceptor, in Weld SE: the method itself counts how many
 * calls are inside it at once; permits come back when a call returns, throws, or its stage completes.
 */
class ConcurrencyLimitTest {

    static final int LIMIT = 5;

    @ApplicationScoped
    public static class Reports {

        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();

        // read through methods: the test holds a client proxy, whose own fields are not the bean's
        int inside() {
            return inside.get();
        }

        int most() {
            return most.get();
        }

        int runs() {
            return runs.get();
        }

        @RateLimit(name = "reports", limit = LIMIT, algorithm = RateLimit.Algorithm.CONCURRENCY)
        public String generate() throws InterruptedException {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            runs.incrementAndGet();
            try {
                Thread.sleep(20);
                return "report";
            } finally {
                inside.decrementAndGet();
            }
        }

        @RateLimit(name = "failing", limit = 1, algorithm = RateLimit.Algorithm.CONCURRENCY)
        public String fail() {
            throw new IllegalStateException("upstream down");
        }

        @RateLimit(name = "staged", limit = 1, algorithm = RateLimit.Algorithm.CONCURRENCY)
        public CompletableFuture<String> staged(CompletableFuture<String> result) {
            return result;
        }

        @RateLimit(name = "patient", limit = 1, algorithm = RateLimit.Algorithm.CONCURRENCY, maxWait = 10,
                maxWaitUnit = ChronoUnit.SECONDS)
        public String patient(CountDownLatch hold) throws InterruptedException {
            hold.await();
            return "served";
        }
    }

    @Test
    void neverMoreThanTheLimitOfManyCallersAreInsideTheMethodInMemory() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Reports.class)) {
            assertNeverMoreThanTheLimitInside(container.bean(Reports.class));
        }
    }

    @Test
    void neverMoreThanTheLimitOfManyCallersAreInsideTheMethodOnRedis() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Reports.class)) {
            assertNeverMoreThanTheLimitInside(container.bean(Reports.class));
            assertThat(redis.inspector().keys()).as("every permit given back: the sorted set is gone").isEmpty();
        }
    }

    /** 100 callers, 5 calls each, all at once: each call holds its permit for 20 ms inside the method. */
    private static void assertNeverMoreThanTheLimitInside(Reports reports) throws Exception {
        int callers = 100;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CyclicBarrier start = new CyclicBarrier(callers);
        AtomicInteger refused = new AtomicInteger();
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < 5; call++) {
                        try {
                            assertThat(reports.generate()).isEqualTo("report");
                        } catch (RateLimitExceededException e) {
                            assertThat(e.retryAfter()).hasSeconds(1);
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("CONCURRENCY %d: %d calls ran, %d refused, at most %d inside at once%n", LIMIT,
                reports.runs(), refused.get(), reports.most());
        assertThat(reports.most()).isBetween(1, LIMIT);
        assertThat(refused.get()).as("100 callers at once cannot all fit in 5 permits").isPositive();
        assertThat(reports.runs() + refused.get()).isEqualTo(callers * 5);
        // every permit came back: the full limit runs at once again
        assertThat(reports.inside()).isZero();
    }

    @Test
    void aPermitIsGivenBackWhenTheMethodThrows() {
        try (var container = TollgateContainer.start(Map.of(), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(reports::fail).isInstanceOf(IllegalStateException.class)
                        .hasMessage("upstream down");
            }
        }
    }

    @Test
    void aStagesPermitIsHeldUntilTheStageCompletesOnRedis() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Reports.class)) {
            Reports reports = container.bean(Reports.class);
            CompletableFuture<String> running = new CompletableFuture<>();
            CompletableFuture<String> first = reports.staged(running);

            CompletableFuture<String> refused = reports.staged(CompletableFuture.completedFuture("never"));
            assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RateLimitExceededException.class);

            running.complete("done");
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            // the caller's stage completed after the permit was back
            assertThat(reports.staged(CompletableFuture.completedFuture("next")).get(10, TimeUnit.SECONDS))
                    .isEqualTo("next");

            CompletableFuture<String> failing = new CompletableFuture<>();
            CompletableFuture<String> failed = reports.staged(failing);
            failing.completeExceptionally(new IllegalStateException("boom"));
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(reports.staged(CompletableFuture.completedFuture("again")).get(10, TimeUnit.SECONDS))
                    .isEqualTo("again");
        }
    }

    @Test
    void maxWaitWaitsForAPermitToBeGivenBack() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Reports.class)) {
            Reports reports = container.bean(Reports.class);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch holding = new CountDownLatch(1);
                Future<String> first = pool.submit(() -> reports.patient(holding));
                // the first call is inside, holding the only permit, once the second has to wait
                while (redis.inspector().keys().isEmpty()) {
                    Thread.sleep(5);
                }
                Future<String> second = pool.submit(() -> reports.patient(new CountDownLatch(0)));
                Thread.sleep(300);
                assertThat(second).as("waiting for the permit").isNotDone();
                holding.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("served");
                assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("served");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
