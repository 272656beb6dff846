package dev.tollgate.internal.cdi;

import dev.tollgate.internal.idempotency.IdempotencyEngine;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import dev.tollgate.internal.idempotency.Values;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the extension prepared at deployment for the idempotency interceptor: the guarded methods and the engine.
 * Immutable once published.
 */
public final class IdempotencyRuntime {

    private volatile Map<Method, IdempotentMethod> methods = Map.of();
    private volatile IdempotencyEngine engine;
    private volatile Values values;

    void publish(Map<Method, IdempotentMethod> methods, IdempotencyEngine engine, Values values) {
        this.methods = Map.copyOf(methods);
        this.engine = engine;
        this.values = values;
    }

    /** The method's settings, or {@code null} when it is not (or no longer) idempotent. */
    IdempotentMethod method(Method method) {
        return methods.get(method);
    }

    IdempotencyEngine engine() {
        return engine;
    }

    Values values() {
        return values;
    }
}
