package dev.tollgate.internal.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batching logic alone, with a sender the test answers by hand (no Redis: what Redis makes of a batch is
 * {@code RedisRateLimitBackendTest}'s).
 */
class CallBatcherTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** Records every batch sent and lets the test answer each when it chooses. */
    private static final class ManualSender implements Function<List<String>, CompletionStage<List<String>>> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<List<String>>> replies = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<List<String>> apply(List<String> calls) {
            batches.add(List.copyOf(calls));
            CompletableFuture<List<String>> reply = new CompletableFuture<>();
            replies.add(reply);
            return reply;
        }

        /** Answers batch {@code index} with each call's text in upper case. */
        void answer(int index) {
            replies.get(index).complete(batches.get(index).stream().map(String::toUpperCase).toList());
        }
    }

    @Test
    void aLoneCallIsSentAtOnceAndAlone() throws Exception {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, MINUTE);

        CompletableFuture<String> answer = batcher.submit("a");

        assertThat(sender.batches).containsExactly(List.of("a"));
        sender.answer(0);
        assertThat(answer.get()).isEqualTo("A");
    }

    @Test
    void callsThatArriveWhileOneIsOutstandingLeaveTogetherWhenItIsAnswered() throws Exception {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, MINUTE);
        CompletableFuture<String> first = batcher.submit("a");
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (String call : List.of("b", "c", "d")) {
            waiting.add(batcher.submit(call));
        }
        assertThat(sender.batches).hasSize(1);

        sender.answer(0);

        assertThat(first.get()).isEqualTo("A");
        assertThat(sender.batches).containsExactly(List.of("a"), List.of("b", "c", "d"));
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        sender.answer(1);
        assertThat(waiting.stream().map(CompletableFuture::join)).containsExactly("B", "C", "D");
    }

    @Test
    void batchesAreCappedAndQueuedCallsLeaveInOrder() {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 2, MINUTE);
        batcher.submit("a");
        for (String call : List.of("b", "c", "d", "e", "f")) {
            batcher.submit(call);
        }

        sender.answer(0);
        sender.answer(1);
        sender.answer(2);

        assertThat(sender.batches).containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
    }

    @Test
    void aBatchIsClosedOnceItsCallsWeighTheMaximumSoItWeighsAtMostThatPlusOneCall() {
        ManualSender sender = new ManualSender();
        // A call weighs its length: "xxxx" weighs 4, and a batch is closed at 5.
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, String::length, 5, MINUTE);
        batcher.submit("a");
        for (String call : List.of("bb", "cc", "dd", "eeeeeeeeee", "f", "g", "hhhhh", "i")) {
            batcher.submit(call);
        }

        for (int i = 0; i < 5; i++) {
            sender.answer(i);
        }

        assertThat(sender.batches).containsExactly(List.of("a"), List.of("bb", "cc", "dd"), List.of("eeeeeeeeee"),
                List.of("f", "g", "hhhhh"), List.of("i"));
    }

    @Test
    void asManyBatchesAsAllowedAreOutstandingAtOnce() {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 2, 64, MINUTE);
        batcher.submit("a");
        batcher.submit("b");
        batcher.submit("c");
        batcher.submit("d");

        assertThat(sender.batches).containsExactly(List.of("a"), List.of("b"));
        sender.answer(1);
        assertThat(sender.batches).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
    }

    @Test
    void aCallWhoseCallerStoppedWaitingIsNotSent() {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, MINUTE);
        batcher.submit("a");
        CompletableFuture<String> abandoned = batcher.submit("b");
        CompletableFuture<String> kept = batcher.submit("c");

        abandoned.cancel(false); // as BoundedWait does when its time is up
        sender.answer(0);

        assertThat(sender.batches).containsExactly(List.of("a"), List.of("c"));
        assertThat(kept).isNotDone();
    }

    @Test
    void aFailedBatchFailsEachOfItsCallsAndTheNextBatchStillLeaves() {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, MINUTE);
        CompletableFuture<String> first = batcher.submit("a");
        CompletableFuture<String> second = batcher.submit("b");
        CompletableFuture<String> third = batcher.submit("c");

        sender.replies.get(0).completeExceptionally(new IllegalStateException("connection reset"));
        sender.replies.get(1).completeExceptionally(new IllegalStateException("timed out"));

        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("connection reset");
        assertThatThrownBy(second::get).hasRootCauseMessage("timed out");
        assertThatThrownBy(third::get).hasRootCauseMessage("timed out");
        CompletableFuture<String> after = batcher.submit("d");
        assertThat(sender.batches).last().isEqualTo(List.of("d"));
        sender.answer(2);
        assertThat(after.join()).isEqualTo("D");
    }

    @Test
    void aSenderThatThrowsFailsItsBatchAndFreesItsPlace() {
        CallBatcher<String, String> batcher = new CallBatcher<>(calls -> {
            if (calls.contains("boom")) {
                throw new IllegalStateException("client shut down");
            }
            return CompletableFuture.completedFuture(calls.stream().map(String::toUpperCase).toList());
        }, 1, 64, MINUTE);

        assertThatThrownBy(() -> batcher.submit("boom").get()).hasRootCauseMessage("client shut down");
        assertThat(batcher.submit("x").join()).isEqualTo("X");
    }

    @Test
    void anAnswerOfTheWrongSizeFailsTheBatch() {
        CallBatcher<String, String> batcher = new CallBatcher<>(calls -> CompletableFuture.completedFuture(List.of()),
                1, 64, MINUTE);

        assertThatThrownBy(() -> batcher.submit("a").get()).hasRootCauseMessage("A batch of 1 calls got 0 answers");
    }

    @Test
    void everyCallOfManyConcurrentCallersIsAnsweredOnceWithItsOwnAnswer() throws Exception {
        // A sender that answers on another thread, as Redisson's event loop does; 16 callers, 2,000 calls each.
        ExecutorService loop = Executors.newSingleThreadExecutor();
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CallBatcher<String, String> batcher = new CallBatcher<>(calls -> {
            batchSizes.add(calls.size());
            return CompletableFuture.supplyAsync(() -> calls.stream().map(c -> c + "!").toList(), loop);
        }, 1, 8, MINUTE);
        int callers = 16;
        int calls = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                results.add(pool.submit(() -> {
                    start.await();
                    int right = 0;
                    for (int i = 0; i < calls; i++) {
                        String call = caller + ":" + i;
                        if (batcher.submit(call).get(10, TimeUnit.SECONDS).equals(call + "!")) {
                            right++;
                        }
                    }
                    return right;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(calls);
            }
        } finally {
            pool.shutdownNow();
            loop.shutdownNow();
        }
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(callers * calls);
        assertThat(batchSizes).allMatch(size -> size >= 1 && size <= 8);
    }

    @Test
    void aBatchNeverAnsweredIsFailedByTheFirstCallerToFindNoRoomAfterItsTimeout() throws Exception {
        ManualSender sender = new ManualSender();
        CallBatcher<String, String> batcher = new CallBatcher<>(sender, 1, 64, Duration.ofMillis(50));
        CompletableFuture<String> lost = batcher.submit("a");
        CompletableFuture<String> early = batcher.submit("b"); // within the timeout: waits its turn
        assertThat(lost).isNotDone();

        Thread.sleep(100);
        CompletableFuture<String> late = batcher.submit("c");

        assertThatThrownBy(() -> lost.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        // the place it held went to the calls queued since, which are answered as usual
        assertThat(sender.batches).containsExactly(List.of("a"), List.of("b", "c"));
        sender.answer(1);
        assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo("B");
        assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo("C");
        sender.answer(0); // an answer after all: too late, and harmless
        assertThat(lost).isCompletedExceptionally();
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatThrownBy(() -> new CallBatcher<String, String>(c -> null, 0, 1, MINUTE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
