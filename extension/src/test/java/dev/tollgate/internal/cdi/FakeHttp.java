package dev.tollgate.internal.cdi;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An HTTP request made current on this thread through {@link CurrentRequest}, as the servlet container does. */
final class FakeHttp implements AutoCloseable {

    private final CurrentRequest listener = new CurrentRequest();
    private final ServletRequestEvent event;

    private FakeHttp(HttpServletRequest request) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        this.event = new ServletRequestEvent(context, request);
        listener.requestInitialized(event);
    }

    /** A GET from 203.0.113.7 with one header {@code name: value}. */
    static FakeHttp request(String name, String value) {
        return request("203.0.113.7", name, value);
    }

    /** A GET from {@code remoteAddress}, without headers. */
    static FakeHttp from(String remoteAddress) {
        return request(remoteAddress, "X-None", "");
    }

    private static FakeHttp request(String remoteAddress, String name, String value) {
        Map<String, Object> attributes = new HashMap<>();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> name.equalsIgnoreCase((String) args[0]) ? value : null;
                    case "getHeaders" -> Collections.enumeration(name.equalsIgnoreCase((String) args[0])
                            ? List.of(value) : List.of());
                    case "getRemoteAddr" -> remoteAddress;
                    case "getMethod" -> "GET";
                    case "getRequestURI" -> "/quotes";
                    case "getQueryString", "getUserPrincipal" -> null;
                    case "isUserInRole", "isAsyncStarted" -> false;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "request with " + name + ": " + value;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new FakeHttp(request);
    }

    @Override
    public void close() {
        listener.requestDestroyed(event);
    }
}
