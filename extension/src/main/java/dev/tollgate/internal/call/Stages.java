package dev.tollgate.internal.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Small helpers for results that arrive as stages. */
public final class Stages {

    private Stages() {
    }

    /** The exception a stage failed with, without the wrappers stages and futures add. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** What a method returning {@code CompletionStage} or {@code CompletableFuture} may return: a future. */
    public static CompletableFuture<Object> failed(Throwable failure) {
        return CompletableFuture.failedFuture(failure);
    }

    /** {@code value} as an already completed stage (also a {@code Future}, for EJB asynchronous methods). */
    public static CompletableFuture<Object> completed(Object value) {
        return CompletableFuture.completedFuture(value);
    }

    /**
     * A future that completes like {@code stage} (with its failure unwrapped), once {@code action} has seen the
     * outcome; an exception of the action fails the future instead. Returned to callers in place of the method's
     * own stage, so that what the action does (store a result, free a key) is done before a caller can act on it.
     */
    public static CompletableFuture<Object> afterward(CompletableFuture<Object> stage,
                                                      BiConsumer<Object, Throwable> action) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            Throwable cause = failure == null ? null : unwrap(failure);
            try {
                action.accept(value, cause);
            } catch (RuntimeException | Error e) {
                outcome.completeExceptionally(e);
                return;
            }
            if (cause != null) {
                outcome.completeExceptionally(cause);
            } else {
                outcome.complete(value);
            }
        });
        return outcome;
    }

    /**
     * A future that completes like {@code stage} (with its failure unwrapped), once the stage {@code action} starts
     * when {@code stage} completes has completed too, however it did. For work that must not block the thread
     * completing the stage (giving a permit back to Redis), but must be done before a caller acts on the outcome.
     */
    public static CompletableFuture<Object> afterwardAsync(CompletableFuture<Object> stage,
                                                           Supplier<? extends CompletionStage<?>> action) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            CompletionStage<?> done;
            try {
                done = action.get();
            } catch (RuntimeException | Error e) {
                done = CompletableFuture.failedFuture(e);
            }
            done.whenComplete((ignored, actionFailure) -> {
                if (failure != null) {
                    outcome.completeExceptionally(unwrap(failure));
                } else {
                    outcome.complete(value);
                }
            });
        });
        return outcome;
    }

    /** Completes {@code target} as {@code source} completes, with its failure unwrapped. */
    public static void relay(CompletionStage<?> source, CompletableFuture<Object> target) {
        source.whenComplete((value, failure) -> {
            if (failure != null) {
                target.completeExceptionally(unwrap(failure));
            } else {
                target.complete(value);
            }
        });
    }

    /**
     * The stage a method returned, as a future: the method itself when it returned one, or one that completes with
     * it. A {@code null} stage, which no caller can wait on, is reported as the method's bug.
     */
    @SuppressWarnings("unchecked")
    public static CompletableFuture<Object> of(Object returned, String where) {
        if (returned instanceof CompletableFuture<?> future) {
            return (CompletableFuture<Object>) future;
        }
        if (returned instanceof CompletionStage<?> stage) {
            CompletableFuture<Object> future = new CompletableFuture<>();
            relay(stage, future);
            return future;
        }
        if (returned == null) {
            return failed(new IllegalStateException(where + " returned null instead of a CompletionStage"));
        }
        throw new IllegalStateException(where + " returned a " + returned.getClass().getName()
                + " where a CompletionStage was declared");
    }
}
