package dev.tollgate.internal.cdi;

import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.RateLimitGuard;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the extension prepared at deployment for the interceptor: the guarded methods and their guard.
 * Immutable once published; the interceptor only looks things up in it.
 */
final class RateLimitRuntime {

    private volatile Map<Method, GuardedMethod> methods = Map.of();
    private volatile RateLimitGuard guard;

    void publish(Map<Method, GuardedMethod> methods, RateLimitGuard guard) {
        this.methods = Map.copyOf(methods);
        this.guard = guard;
    }

    /** The guarded method, or {@code null} when the method has no enabled limit. */
    GuardedMethod method(Method method) {
        return methods.get(method);
    }

    Map<Method, GuardedMethod> methods() {
        return methods;
    }

    RateLimitGuard guard() {
        return guard;
    }
}
