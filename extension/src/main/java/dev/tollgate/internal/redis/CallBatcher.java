package dev.tollgate.internal.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Sends calls that arrive while earlier ones are still on their way as one batch: at most {@code maxInFlight}
 * batches are outstanding at a time, and whatever arrives meanwhile waits in a queue and leaves, up to
 * {@code maxBatch} calls at once, as soon as one of them has been answered.
 *
 * <p>This adds no wait to a lone caller: a call that finds fewer than {@code maxInFlight} batches outstanding is sent
 * at once, alone. Only callers that would otherwise have queued for Redis anyway share a round trip, and under load
 * the cost of a round trip on both sides (a write and a read on each end, parsing, a script's start) is paid once per
 * batch instead of once per call.
 *
 * <p>A caller that stops waiting (its future is completed or cancelled, as {@link BoundedWait} does on a timeout)
 * before its call has left is dropped from the queue, so a decision nobody waits for any longer consumes nothing.
 * A batch that has had no answer within {@code timeout} is failed by the next caller that finds no room, and frees
 * its place: a reply that never comes cannot hold up every later call. (Checked by callers rather than by a timer:
 * a timer per batch would wake a thread of its own for every lone call.)
 *
 * @param <I> a call
 * @param <O> its answer
 */
final class CallBatcher<I, O> {

    private final Function<List<I>, CompletionStage<List<O>>> sender;
    private final int maxInFlight;
    private final int maxBatch;
    private final ToLongFunction<I> weight;
    private final long maxWeight;
    private final long timeoutNanos;
    /** The batches in flight, and when each was sent (System.nanoTime). */
    private final Map<CompletableFuture<List<O>>, Long> outstanding = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Waiting<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param sender      sends a batch; its stage completes with one answer per call, in the batch's order. The
     *                    stage is the batcher's: it completes it exceptionally when the batch is overdue
     * @param maxInFlight batches outstanding at most (at least 1)
     * @param maxBatch    calls per batch at most (at least 1)
     * @param timeout     how long a batch waits for its answer at most
     */
    CallBatcher(Function<List<I>, CompletionStage<List<O>>> sender, int maxInFlight, int maxBatch, Duration timeout) {
        this(sender, maxInFlight, maxBatch, call -> 0, Long.MAX_VALUE, timeout);
    }

    /**
     * A batcher whose batches are also bounded by weight (e.g. the bytes a call sends): a batch takes no more calls
     * once its calls weigh {@code maxWeight} or more, so it weighs at most {@code maxWeight} plus one call. A call
     * heavier than that still goes, alone or as a batch's last. Without this bound, 64 completions of 1 MB results
     * meeting in flight would be one 64 MB script call, holding every other client of Redis up while it runs.
     *
     * @param weight    a call's weight, at least 0
     * @param maxWeight the weight at which a batch is closed (at least 1)
     */
    CallBatcher(Function<List<I>, CompletionStage<List<O>>> sender, int maxInFlight, int maxBatch,
                ToLongFunction<I> weight, long maxWeight, Duration timeout) {
        if (maxInFlight < 1 || maxBatch < 1 || maxWeight < 1) {
            throw new IllegalArgumentException("maxInFlight, maxBatch and maxWeight must be at least 1, were "
                    + maxInFlight + ", " + maxBatch + " and " + maxWeight);
        }
        this.sender = sender;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Sends or queues {@code call}; the future completes with its answer, or with the failure of its batch. */
    CompletableFuture<O> submit(I call) {
        if (queue.isEmpty() && takePlace()) {
            // The common case at low load: nothing is waiting, so the call leaves at once, on its own, unqueued.
            CompletableFuture<O> answer = new CompletableFuture<>();
            send(List.of(call), (answers, failure) -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else {
                    answer.complete(answers.get(0));
                }
            });
            return answer;
        }
        Waiting<I, O> waiting = new Waiting<>(call);
        queue.add(waiting);
        drain();
        return waiting.answer;
    }

    /**
     * Sends batches while there are calls queued and room in flight. A caller that finds no room leaves its call
     * queued: the batch in flight drains the queue when it completes. Both sides change one atomic and then read the
     * other (queue, then counter; counter, then queue), so at least one of them sees the other's change.
     */
    private void drain() {
        while (!queue.isEmpty()) {
            if (!takePlace()) {
                if (inFlight.get() >= maxInFlight) {
                    failOverdue();
                    return;
                }
                continue; // lost a race for a place that is still free
            }
            List<Waiting<I, O>> batch = take();
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            List<I> calls = new ArrayList<>(batch.size());
            for (Waiting<I, O> waiting : batch) {
                calls.add(waiting.call);
            }
            send(calls, (answers, failure) -> {
                for (int i = 0; i < batch.size(); i++) {
                    if (failure != null) {
                        batch.get(i).answer.completeExceptionally(failure);
                    } else {
                        batch.get(i).answer.complete(answers.get(i));
                    }
                }
            });
        }
    }

    /** Takes a place in flight if there is one (one attempt). */
    private boolean takePlace() {
        int taken = inFlight.get();
        return taken < maxInFlight && inFlight.compareAndSet(taken, taken + 1);
    }

    private List<Waiting<I, O>> take() {
        List<Waiting<I, O>> batch = new ArrayList<>(Math.min(maxBatch, 16));
        Waiting<I, O> next;
        long weighed = 0;
        while (batch.size() < maxBatch && weighed < maxWeight && (next = queue.poll()) != null) {
            if (!next.answer.isDone()) { // its caller gave up waiting
                batch.add(next);
                weighed += weight.applyAsLong(next.call);
            }
        }
        return batch;
    }

    /** Sends {@code calls}, which hold a place in flight; frees the place when answered, then delivers. */
    private void send(List<I> calls, BiConsumer<List<O>, Throwable> deliver) {
        CompletableFuture<List<O>> reply;
        try {
            reply = sender.apply(calls).toCompletableFuture();
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<List<O>> sent = reply;
        outstanding.put(sent, System.nanoTime());
        sent.whenComplete((answers, failure) -> {
            outstanding.remove(sent);
            // The next batch leaves before this one's callers are woken: that is the order that keeps Redis busy.
            inFlight.decrementAndGet();
            drain();
            if (failure == null && answers.size() != calls.size()) {
                failure = new IllegalStateException("A batch of " + calls.size() + " calls got " + answers.size()
                        + " answers");
            }
            deliver.accept(answers, failure);
        });
    }

    /** Fails the batches in flight that have waited longer than the timeout; their completion frees their places. */
    private void failOverdue() {
        long now = System.nanoTime();
        outstanding.forEach((reply, sentAt) -> {
            if (now - sentAt > timeoutNanos) {
                reply.completeExceptionally(
                        new TimeoutException("No answer to a batch within " + timeoutNanos / 1_000_000 + " ms"));
            }
        });
    }

    private static final class Waiting<I, O> {
        final I call;
        final CompletableFuture<O> answer = new CompletableFuture<>();

        Waiting(I call) {
            this.call = call;
        }
    }
}
