package dev.tollgate.internal.idempotency;

import dev.tollgate.Idempotent;

import java.util.List;

/**
 * One {@code @Idempotent} method, resolved from the annotation and configuration and validated once at deployment.
 *
 * @param scope         the keys' scope: the annotation's name, or {@code <class>/<method>}
 * @param ttlMillis     how long a completed result is replayed
 * @param maxWaitMillis how long a duplicate waits for the running call; 0 = conflict at once
 * @param keyRequired   JAX-RS: a request without {@code Idempotency-Key} is refused
 * @param storeFailures exception types that are stored and replayed instead of releasing the key
 * @param keyParameter  index of the {@code @IdempotencyKey} parameter, or -1
 * @param failureMode   what a call does when the store cannot claim its key
 */
public record IdempotencySettings(String scope, long ttlMillis, long maxWaitMillis, boolean keyRequired,
                                  List<Class<? extends Throwable>> storeFailures, int keyParameter,
                                  Idempotent.FailureMode failureMode) {

    public IdempotencySettings {
        storeFailures = List.copyOf(storeFailures);
    }

    /** Whether {@code failure} is stored and replayed rather than releasing the key. */
    public boolean stores(Throwable failure) {
        for (Class<? extends Throwable> type : storeFailures) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }
}
