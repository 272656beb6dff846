package dev.tollgate.internal.cdi;

import dev.tollgate.internal.idempotency.IdempotencyGuard;
import dev.tollgate.internal.idempotency.IdempotentMethod;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the extension prepared at deployment for the idempotency interceptor: the guarded methods and their guard.
 * Immutable once published.
 */
final class IdempotencyRuntime {

    private volatile Map<Method, IdempotentMethod> methods = Map.of();
    private volatile IdempotencyGuard guard;

    void publish(Map<Method, IdempotentMethod> methods, IdempotencyGuard guard) {
        this.methods = Map.copyOf(methods);
        this.guard = guard;
    }

    /** The method's settings, or {@code null} when it is not (or no longer) idempotent. */
    IdempotentMethod method(Method method) {
        return methods.get(method);
    }

    IdempotencyGuard guard() {
        return guard;
    }
}
