package dev.tollgate.internal.cdi;

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

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        CURRENT.remove();
    }
}
