package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.testing.RedisProcess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @RateLimit} on methods whose result is a stage, in Weld SE, in memory and on a real Redis. */
class AsyncRateLimitTest {

    /** Something a method uses from its request scope. */
    @RequestScoped
    public static class Visit {
        private final long started = System.nanoTime();

        long started() {
            return started;
        }
    }

    @ApplicationScoped
    public static class Quotes {
        @Inject
        Visit visit;

        final AtomicInteger runs = new AtomicInteger();
        volatile String ranOn;

        int runs() {
            return runs.get();
        }

        String ranOn() {
            return ranOn;
        }

        @RateLimit(limit = 3, window = 1, windowUnit = ChronoUnit.HOURS)
        public CompletionStage<String> quote(String symbol) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("quote " + symbol);
        }

        @RateLimit(limit = 1, window = 300, windowUnit = ChronoUnit.MILLIS, maxWait = 5,
                maxWaitUnit = ChronoUnit.SECONDS)
        public CompletableFuture<String> patient() {
            runs.incrementAndGet();
            ranOn = Thread.currentThread().getName();
            visit.started(); // fails outside a request context
            return CompletableFuture.completedFuture("served");
        }

        @OffThread
        @RateLimit(limit = 2, window = 1, windowUnit = ChronoUnit.HOURS, key = "header:X-User")
        public CompletionStage<String> perUser() {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("served on " + Thread.currentThread().getName());
        }

        @RateLimit(limit = 20, window = 1, windowUnit = ChronoUnit.HOURS)
        public CompletableFuture<String> exact() {
            runs.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> "served");
        }
    }

    @Test
    void aRefusalIsAFailedStageNotAnExceptionOnTheCallersThread() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Quotes.class, Visit.class)) {
            Quotes quotes = container.bean(Quotes.class);
            for (int i = 0; i < 3; i++) {
                assertThat(quotes.quote("ACME").toCompletableFuture().get()).isEqualTo("quote ACME");
            }
            CompletionStage<String> refused = quotes.quote("ACME"); // a throw here fails the test
            assertThat(refused.toCompletableFuture()).isCompletedExceptionally();
            assertThatThrownBy(() -> refused.toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(RateLimitExceededException.class);
            assertThat(quotes.runs()).isEqualTo(3);
        }
    }

    @Test
    void maxWaitReturnsAtOnceAndRunsTheMethodLaterOnAnotherThread() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Quotes.class, Visit.class)) {
            RequestContextController requestContext = container.bean(RequestContextController.class);
            requestContext.activate();
            Quotes quotes = container.bean(Quotes.class);
            assertThat(quotes.patient().get()).isEqualTo("served");
            String caller = Thread.currentThread().getName();

            CompletableFuture<String> waiting = quotes.patient();

            // The window has no room left, so the call could not have run yet: it returned without waiting.
            assertThat(quotes.runs()).isEqualTo(1);
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("served");
            assertThat(quotes.runs()).isEqualTo(2);
            assertThat(quotes.ranOn()).as("run by the scheduler, in a request context of its own").isNotEqualTo(caller);
            requestContext.deactivate();
        }
    }

    @Test
    void anAsynchronousMethodIsDecidedWithItsCallersHttpRequest() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Quotes.class, Visit.class,
                OffThread.Dispatcher.class)) {
            Quotes quotes = container.bean(Quotes.class);
            for (int i = 0; i < 2; i++) {
                try (FakeHttp alice = FakeHttp.request("X-User", "alice")) {
                    assertThat(quotes.perUser().toCompletableFuture().get()).startsWith("served on off-thread");
                }
            }
            try (FakeHttp alice = FakeHttp.request("X-User", "alice")) {
                assertThatThrownBy(() -> quotes.perUser().toCompletableFuture().get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(RateLimitExceededException.class);
            }
            try (FakeHttp bob = FakeHttp.request("X-User", "bob")) {
                assertThat(quotes.perUser().toCompletableFuture().get())
                        .as("bob has a partition of his own, although the method runs where no request is seen")
                        .startsWith("served on off-thread");
            }
            assertThat(quotes.runs()).isEqualTo(3);
        }
    }

    @Test
    void exactlyTheLimitOfManySimultaneousCallersIsServedOnRedis() throws Exception {
        int callers = 100;
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Quotes.class, Visit.class)) {
            Quotes quotes = container.bean(Quotes.class);
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            CyclicBarrier start = new CyclicBarrier(callers);
            try {
                List<Future<CompletableFuture<String>>> calls = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        return quotes.exact();
                    }));
                }
                int served = 0;
                int refused = 0;
                for (Future<CompletableFuture<String>> call : calls) {
                    CompletableFuture<String> stage = call.get(30, TimeUnit.SECONDS);
                    try {
                        assertThat(stage.get(30, TimeUnit.SECONDS)).isEqualTo("served");
                        served++;
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(RateLimitExceededException.class);
                        refused++;
                    }
                }
                assertThat(served).isEqualTo(20);
                assertThat(refused).isEqualTo(callers - 20);
                assertThat(quotes.runs()).isEqualTo(20);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
