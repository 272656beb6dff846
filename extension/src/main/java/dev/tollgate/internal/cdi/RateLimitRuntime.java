package dev.tollgate.internal.cdi;

import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.RateLimitGuard;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.resilience.BackendCircuit;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the extension prepared at deployment for the interceptor: the guarded methods and their guard.
 * Immutable once published; the interceptor only looks things up in it.
 */
public final class RateLimitRuntime {

    private volatile Map<Method, GuardedMethod> methods = Map.of();
    private volatile RateLimitGuard guard;
    private volatile BackendCircuit circuit;
    private volatile boolean servesDuringOutage;

    void publish(Map<Method, GuardedMethod> methods, RateLimitGuard guard, BackendCircuit circuit,
                 boolean servesDuringOutage) {
        this.methods = Map.copyOf(methods);
        this.circuit = circuit;
        this.servesDuringOutage = servesDuringOutage;
        this.guard = guard;
    }

    /** The circuit breaker in front of Redis, shared by both guards; {@code null} without Redis. */
    public BackendCircuit circuit() {
        return circuit;
    }

    /**
     * Whether some guarded method still serves calls while Redis is unavailable (its failure modes let calls
     * through), so that readiness need not take the instance out of service.
     */
    public boolean servesDuringOutage() {
        return servesDuringOutage;
    }

    /** The guarded method, or {@code null} when the method has no enabled limit. */
    GuardedMethod method(Method method) {
        return methods.get(method);
    }

    Map<Method, GuardedMethod> methods() {
        return methods;
    }

    /** The deployment's rate-limit backend, or {@code null} until the deployment is validated (or if it failed). */
    public RateLimitBackend backend() {
        RateLimitGuard current = guard;
        return current == null ? null : current.enforcer().backend();
    }

    RateLimitGuard guard() {
        return guard;
    }
}
