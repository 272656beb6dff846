package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Applies the {@link RateLimit}s of a method: looks the method up, builds the {@link InterceptedCall} and hands both
 * to the {@link dev.tollgate.internal.ratelimit.RateLimitGuard}.
 *
 * <p>Its priority places it before transactions ({@code PLATFORM_BEFORE + 200}) and application interceptors, so a
 * refused call costs nothing else, and before Jakarta Concurrency's {@code @Asynchronous}
 * ({@code PLATFORM_BEFORE + 5}), so that an asynchronous method is decided on its caller's thread, where the HTTP
 * request is.
 *
 * <p>An instance is created with every instance of an intercepted bean (with every HTTP request, for a request-scoped
 * resource), so it has a single injection point, resolved to the same object each time ({@link InterceptorServices}).
 */
@RateLimit(limit = 1)
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 1)
public class RateLimitInterceptor {

    @Inject
    InterceptorServices services;

    @AroundInvoke
    public Object guard(InvocationContext invocation) throws Exception {
        RateLimitRuntime runtime = services.runtime();
        GuardedMethod method = runtime.method(invocation.getMethod());
        if (method == null) {
            return invocation.proceed();
        }
        return runtime.guard().guard(method, InterceptedCall.of(invocation, method.shape(), services.security()),
                Proceeding.of(invocation, services.requestContexts()));
    }
}
