package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.internal.jaxrs.RateLimitResults;
import dev.tollgate.internal.partition.CallContext;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.RateLimitEnforcer;
import dev.tollgate.internal.ratelimit.RateLimitResult;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.SecurityContext;
import jakarta.enterprise.inject.Instance;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Applies the {@link RateLimit}s of a method. Per call: one map lookup, the partition keys, one backend call, and
 * then either the method or {@link dev.tollgate.RateLimitExceededException}.
 *
 * <p>Its priority places it before transactions ({@code PLATFORM_BEFORE + 200}) and application interceptors, so a
 * refused call costs nothing else.
 */
@RateLimit(limit = 1)
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class RateLimitInterceptor {

    @Inject
    RateLimitRuntime runtime;

    @Inject
    Instance<SecurityContext> security;

    @AroundInvoke
    public Object guard(InvocationContext invocation) throws Exception {
        GuardedMethod method = runtime.method(invocation.getMethod());
        if (method == null) {
            return invocation.proceed();
        }
        HttpServletRequest request = CurrentRequest.get();
        CallContext call = new InterceptedCall(request, security);
        String tier = method.tiered() ? runtime.tiers().tierOf(invocation, call) : null;
        RateLimitResult result = runtime.enforcer().enforce(method, invocation, call, tier);
        RateLimitResult visible = method.visible(result);
        if (visible != null) {
            RateLimitResults.record(request, visible);
        }
        if (!result.decision().permitted() && result.enforced()) {
            throw RateLimitEnforcer.refusal(method, result);
        }
        return invocation.proceed();
    }
}
