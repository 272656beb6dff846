package dev.tollgate.internal.cdi;

import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.security.enterprise.SecurityContext;

/**
 * What Tollgate's interceptors ({@link RateLimitInterceptor}, {@link IdempotentInterceptor}) look up in the container,
 * looked up once per application.
 *
 * <p>The container creates an interceptor instance for every instance of the bean it intercepts: for a
 * {@code @RequestScoped} JAX-RS resource, one per HTTP request, and each of its injection points is resolved then
 * (an injected {@code Instance} resolves its beans as it is created). Profiling the example application on Payara
 * showed that work (two {@code Instance}s per request) costing more CPU than deciding the limit. The interceptors
 * inject this {@code @Singleton} instead: one injection point, which resolves to the same object every time.
 *
 * <p>{@code @Singleton} rather than {@code @ApplicationScoped}: injected as itself, without a client proxy to go
 * through on every call.
 */
@Singleton
public class InterceptorServices {

    @Inject
    RateLimitRuntime runtime;

    @Inject
    IdempotencyRuntime idempotency;

    @Inject
    Instance<SecurityContext> security;

    @Inject
    Instance<RequestContextController> requestContexts;

    RateLimitRuntime runtime() {
        return runtime;
    }

    IdempotencyRuntime idempotency() {
        return idempotency;
    }

    /** The caller outside an HTTP request; see {@link InterceptedCall}. */
    Instance<SecurityContext> security() {
        return security;
    }

    /** Request contexts for calls that go on on another thread; see {@link Proceeding}. */
    Instance<RequestContextController> requestContexts() {
        return requestContexts;
    }
}
