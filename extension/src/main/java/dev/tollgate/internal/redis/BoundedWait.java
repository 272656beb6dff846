package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.BackendUnavailableException;
import org.redisson.client.RedisNoScriptException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for a Redisson call (or a {@link CallBatcher}'s answer) for at most a fixed time, whatever Redisson's own retries do, and turns every way of
 * not getting an answer into a {@link BackendUnavailableException}. {@code NOSCRIPT} passes through untouched, for
 * the caller to reload the script.
 */
final class BoundedWait {

    private final long timeoutMillis;

    BoundedWait(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    <T> T await(Supplier<? extends CompletionStage<T>> call, String what) {
        CompletableFuture<T> future = null;
        try {
            future = call.get().toCompletableFuture();
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisNoScriptException noScript) {
                throw noScript;
            }
            throw new BackendUnavailableException("Redis failed to run " + what + ": " + cause, cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new BackendUnavailableException("Redis did not answer " + what + " within " + timeoutMillis + " ms",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new BackendUnavailableException("Interrupted while waiting for Redis to run " + what, e);
        } catch (RuntimeException e) {
            // Redisson may fail synchronously, e.g. when it has been shut down.
            throw new BackendUnavailableException("Redis failed to run " + what + ": " + e, e);
        }
    }
}
