package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyConflictException;
import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.internal.cdi.IdempotentInterceptorTest.Payment;
import dev.tollgate.internal.cdi.IdempotentInterceptorTest.PaymentDeclined;
import dev.tollgate.testing.RedisProcess;
import jakarta.enterprise.context.ApplicationScoped;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

/**
 * {@code @Idempotent} on methods whose result is a stage, in Weld SE, in memory and on a real Redis: the record
 * completes when the stage does, with the stage's value.
 */
class AsyncIdempotencyTest {

    @ApplicationScoped
    public static class Ledger {
        final AtomicInteger runs = new AtomicInteger();
        /** What the running payments wait for before they complete; complete by default. */
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        int runs() {
            return runs.get();
        }

        CompletableFuture<Void> hold() {
            gate = new CompletableFuture<>();
            return gate;
        }

        @Idempotent
        public CompletionStage<List<Payment>> pay(@IdempotencyKey String key, BigDecimal amount) {
            int run = runs.incrementAndGet();
            return gate.thenApplyAsync(done -> List.of(new Payment(key + "-" + run, amount)));
        }

        @Idempotent
        public CompletableFuture<String> failing(@IdempotencyKey String key) {
            runs.incrementAndGet();
            return gate.thenApplyAsync(done -> {
                throw new IllegalStateException("down");
            });
        }

        @Idempotent(storeFailures = PaymentDeclined.class)
        public CompletableFuture<String> declining(@IdempotencyKey String key) {
            int run = runs.incrementAndGet();
            return CompletableFuture.failedFuture(new PaymentDeclined("declined #" + run));
        }

        @Idempotent
        public CompletionStage<Void> notify(@IdempotencyKey String key) {
            runs.incrementAndGet();
            return gate.thenRunAsync(() -> { });
        }

        @OffThread
        @Idempotent
        public CompletionStage<String> elsewhere(@IdempotencyKey String key) {
            runs.incrementAndGet();
            return gate.thenApply(done -> "done on " + Thread.currentThread().getName());
        }
    }

    @Test
    void aRepeatedKeyReplaysTheStagesValueAsItsTypeArgumentWithoutRunning() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            List<Payment> first = ledger.pay("k1", BigDecimal.TEN).toCompletableFuture().get(10, TimeUnit.SECONDS);

            CompletableFuture<List<Payment>> replay = ledger.pay("k1", BigDecimal.TEN).toCompletableFuture();

            assertThat(replay).as("a replay is an already completed stage").isDone();
            List<Payment> replayed = replay.get();
            assertThat(replayed).isEqualTo(first).hasSize(1);
            assertThat(replayed.get(0)).isInstanceOf(Payment.class);
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void theRecordCompletesWhenTheStageCompletesNotWhenTheMethodReturns() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            CompletableFuture<Void> gate = ledger.hold();
            CompletableFuture<List<Payment>> running = ledger.pay("k2", BigDecimal.ONE).toCompletableFuture();

            assertThatThrownBy(() -> ledger.pay("k2", BigDecimal.ONE))
                    .as("the first call returned its stage, but its work is still running")
                    .isInstanceOf(IdempotencyConflictException.class);

            gate.complete(null);
            List<Payment> first = running.get(10, TimeUnit.SECONDS);
            assertThat(ledger.pay("k2", BigDecimal.ONE).toCompletableFuture().get()).isEqualTo(first);
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void anExceptionalCompletionFreesTheKeySoARetryRuns() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            assertThatThrownBy(() -> ledger.failing("k3").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ledger.failing("k3").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(ledger.runs()).isEqualTo(2);
        }
    }

    @Test
    void aStoredFailureIsReplayedAsAFailedStage() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            assertThatThrownBy(() -> ledger.declining("k4").get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(PaymentDeclined.class).cause().hasMessage("declined #1");

            CompletableFuture<String> replay = ledger.declining("k4");

            assertThat(replay).isCompletedExceptionally();
            assertThatThrownBy(replay::get).hasCauseInstanceOf(PaymentDeclined.class)
                    .cause().hasMessage("declined #1");
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void aStageOfVoidRunsOnce() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            assertThat(ledger.notify("k5").toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
            assertThat(ledger.notify("k5").toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void theLeaseIsRenewedUntilTheStageCompletes() throws Exception {
        try (var container = TollgateContainer.start(Map.of("tollgate.idempotency.lease", "300"), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            CompletableFuture<Void> gate = ledger.hold();
            CompletableFuture<List<Payment>> running = ledger.pay("k6", BigDecimal.ONE).toCompletableFuture();
            // Several leases long: without renewals the key would be free, and a duplicate would run.
            Thread.sleep(1_200);
            assertThatThrownBy(() -> ledger.pay("k6", BigDecimal.ONE))
                    .isInstanceOf(IdempotencyConflictException.class);
            gate.complete(null);
            running.get(10, TimeUnit.SECONDS);
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void anAsynchronousMethodClaimsOnItsCallersThreadAndCompletesWithItsStage() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Ledger.class, OffThread.Dispatcher.class)) {
            Ledger ledger = container.bean(Ledger.class);
            CompletableFuture<Void> gate = ledger.hold();
            CompletableFuture<String> running = ledger.elsewhere("k7").toCompletableFuture();

            assertThatThrownBy(() -> ledger.elsewhere("k7")).isInstanceOf(IdempotencyConflictException.class);

            gate.complete(null);
            String first = running.get(10, TimeUnit.SECONDS);
            assertThat(first).startsWith("done on ");
            assertThat(ledger.elsewhere("k7").toCompletableFuture().get()).isEqualTo(first);
            assertThat(ledger.runs()).isEqualTo(1);
        }
    }

    @Test
    void manySimultaneousCallersWithOneKeyRunTheMethodOnceOnRedis() throws Exception {
        int callers = 40;
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address(),
                     "tollgate.idempotency.maxWait", "20"), Ledger.class)) {
            Ledger ledger = container.bean(Ledger.class);
            CompletableFuture<Void> gate = ledger.hold();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            CyclicBarrier start = new CyclicBarrier(callers);
            try {
                List<Future<CompletionStage<List<Payment>>>> calls = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        return ledger.pay("one-key", BigDecimal.TEN);
                    }));
                }
                // Every caller but the first waits for the first call's stage (maxWait) on its own thread.
                Thread.sleep(300);
                gate.complete(null);
                Set<List<Payment>> answers = new HashSet<>();
                for (Future<CompletionStage<List<Payment>>> call : calls) {
                    answers.add(call.get(30, TimeUnit.SECONDS).toCompletableFuture().get(30, TimeUnit.SECONDS));
                }
                assertThat(ledger.runs()).isEqualTo(1);
                assertThat(answers).as("every caller got the one execution's value").hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
