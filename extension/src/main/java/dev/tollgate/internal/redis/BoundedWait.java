package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.client.RedisNoScriptException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for a Redisson call (or a {@link CallBatcher}'s answer) for at most a fixed time, whatever Redisson's own
 * retries do, and turns every way of not getting an answer into a {@link BackendUnavailableException}. Every call
 * passes the connection's {@link BackendCircuit} first: while its breaker is open the call is not made at all and
 * {@link dev.tollgate.internal.resilience.CircuitOpenException} is thrown at once. {@code NOSCRIPT} passes through
 * untouched, for the caller to reload the script (the server answered, so it counts as a success).
 */
final class BoundedWait {

    private final long timeoutMillis;
    private final BackendCircuit circuit;

    BoundedWait(long timeoutMillis, BackendCircuit circuit) {
        this.timeoutMillis = timeoutMillis;
        this.circuit = circuit;
    }

    <T> T await(Supplier<? extends CompletionStage<T>> call, String what) {
        long start = circuit.permit();
        CompletableFuture<T> future = null;
        try {
            future = call.get().toCompletableFuture();
            T answer = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
            circuit.succeeded(start);
            return answer;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisNoScriptException noScript) {
                circuit.succeeded(start);
                throw noScript;
            }
            circuit.failed(start, cause);
            throw new BackendUnavailableException("Redis failed to run " + what + ": " + cause, cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            circuit.failed(start, e);
            throw new BackendUnavailableException("Redis did not answer " + what + " within " + timeoutMillis + " ms",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (future != null) {
                future.cancel(false);
            }
            circuit.abandoned();
            throw new BackendUnavailableException("Interrupted while waiting for Redis to run " + what, e);
        } catch (RuntimeException e) {
            // Redisson may fail synchronously, e.g. when it has been shut down.
            circuit.failed(start, e);
            throw new BackendUnavailableException("Redis failed to run " + what + ": " + e, e);
        }
    }
}
