package dev.tollgate.internal.cdi;

import dev.tollgate.internal.ratelimit.CallerTiers;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitEnforcer;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the extension prepared at deployment for the interceptor: the guarded methods, the enforcer and the tiers.
 * Immutable once published; the interceptor only looks things up in it.
 */
public final class RateLimitRuntime {

    private volatile Map<Method, GuardedMethod> methods = Map.of();
    private volatile RateLimitEnforcer enforcer;
    private volatile CallerTiers tiers;

    void publish(Map<Method, GuardedMethod> methods, RateLimitEnforcer enforcer, CallerTiers tiers) {
        this.methods = Map.copyOf(methods);
        this.enforcer = enforcer;
        this.tiers = tiers;
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
        RateLimitEnforcer current = enforcer;
        return current == null ? null : current.backend();
    }

    RateLimitEnforcer enforcer() {
        return enforcer;
    }

    CallerTiers tiers() {
        return tiers;
    }
}
