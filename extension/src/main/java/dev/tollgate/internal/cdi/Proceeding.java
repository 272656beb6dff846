package dev.tollgate.internal.cdi;

import dev.tollgate.internal.call.Proceed;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.InvocationContext;

/**
 * How a guard goes on with an intercepted call. On the caller's thread: the invocation, as is. On another thread
 * (a call that waited for a permit without a thread, run by the scheduler): inside a request context of its own,
 * so that the method may still use request-scoped beans; the caller's HTTP request scope is not carried over.
 */
final class Proceeding {

    private Proceeding() {
    }

    static Proceed of(InvocationContext invocation, Instance<RequestContextController> requestContexts) {
        Thread caller = Thread.currentThread();
        return () -> {
            if (Thread.currentThread() == caller || !requestContexts.isResolvable()) {
                return invocation.proceed();
            }
            RequestContextController controller = requestContexts.get();
            boolean activated = controller.activate();
            try {
                return invocation.proceed();
            } finally {
                if (activated) {
                    controller.deactivate();
                }
            }
        };
    }
}
