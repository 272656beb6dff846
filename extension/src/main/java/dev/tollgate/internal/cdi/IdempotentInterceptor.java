package dev.tollgate.internal.cdi;

import dev.tollgate.Idempotent;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Applies {@link Idempotent}: looks the method up, builds the {@link InterceptedCall} (or takes the one the
 * rate-limit interceptor built) and hands both to the {@link dev.tollgate.internal.idempotency.IdempotencyGuard}.
 *
 * <p>After the rate-limit interceptor (a refused call claims nothing); before Jakarta Concurrency's
 * {@code @Asynchronous} ({@code PLATFORM_BEFORE + 5}), so that the key is claimed on the caller's thread and the
 * record completes with the stage; and before {@code @Transactional} ({@code PLATFORM_BEFORE + 200}): a transaction
 * the method starts has committed when it returns here. A transaction the call joins is still open, and the result
 * is stored only after it commits.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 2)
public class IdempotentInterceptor {

    /** One injection point: an instance is created with every instance of an intercepted bean. */
    @Inject
    InterceptorServices services;

    @AroundInvoke
    public Object guard(InvocationContext invocation) throws Exception {
        IdempotencyRuntime runtime = services.idempotency();
        IdempotentMethod method = runtime.method(invocation.getMethod());
        if (method == null) {
            return invocation.proceed();
        }
        return runtime.guard().guard(method, InterceptedCall.of(invocation, method.shape(), services.security()),
                invocation::proceed);
    }
}
