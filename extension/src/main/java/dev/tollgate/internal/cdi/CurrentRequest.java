package dev.tollgate.internal.cdi;

import dev.tollgate.internal.idempotency.PendingResponse;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Set;

/**
 * Makes the HTTP request a call runs in available to the interceptors, whatever kind of bean they intercept
 * (a JAX-RS resource, an EJB it calls, a CDI bean). Registered as a {@link ServletContainerInitializer} through
 * {@code META-INF/services}, which both Payara and WildFly honour for jars in {@code WEB-INF/lib} without any
 * {@code web.xml} entry; it adds itself as a request listener that keeps the request in a thread-local for the
 * request's duration.
 */
public final class CurrentRequest implements ServletContainerInitializer, ServletRequestListener {

    private static final ThreadLocal<HttpServletRequest> CURRENT = new ThreadLocal<>();

    /** The HTTP request on this thread, or {@code null}. */
    public static HttpServletRequest get() {
        return CURRENT.get();
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.addListener(CurrentRequest.class);
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        ServletRequest request = event.getServletRequest();
        if (request instanceof HttpServletRequest http) {
            CURRENT.set(http);
        }
    }

    /**
     * Also the last word on an idempotent request's claim: if its response was never stored (the response was not
     * written, the client went away, a transaction never ended), the claim is released here rather than renewed
     * for ever, and a retry runs the method again.
     */
    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        CURRENT.remove();
        ServletRequest request = event.getServletRequest();
        if (!(request.getAttribute(PendingResponse.ATTRIBUTE) instanceof PendingResponse pending)) {
            return;
        }
        if (request.isAsyncStarted()) {
            // An asynchronous response (a CompletionStage or a suspended AsyncResponse) is still to be written: the
            // claim waits for the end of the asynchronous cycle, whichever way it ends.
            request.getAsyncContext().addListener(new ReleaseAtEnd(pending));
        } else {
            pending.release();
        }
    }

    /** Releases a claim whose response was not stored once an asynchronous request ended. */
    private record ReleaseAtEnd(PendingResponse pending) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            pending.release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            pending.release();
        }

        @Override
        public void onError(AsyncEvent event) {
            pending.release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
