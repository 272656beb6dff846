package dev.tollgate.internal.partition;

import jakarta.interceptor.InvocationContext;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Just enough of a call, an HTTP request and an invocation for partition keys: the methods they read. */
final class FakeCalls {

    private FakeCalls() {
    }

    /** A call without HTTP request and without principal. */
    static CallContext plainCall() {
        return call(null, null);
    }

    static CallContext call(HttpServletRequest request, String principal) {
        Principal user = principal == null ? null : () -> principal;
        return new CallContext() {
            @Override
            public HttpServletRequest request() {
                return request;
            }

            @Override
            public Principal principal() {
                return user;
            }

            @Override
            public boolean isCallerInRole(String role) {
                return false;
            }
        };
    }

    static CallContext httpCall(HttpServletRequest request) {
        return call(request, null);
    }

    /**
     * A request from {@code remoteAddress} with {@code headers} given as name, value, name, value...; a name given
     * twice makes two header lines. Names are case-insensitive, as in HTTP.
     */
    static HttpServletRequest request(String remoteAddress, String... headers) {
        Map<String, List<String>> lines = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            lines.computeIfAbsent(headers[i], name -> new ArrayList<>()).add(headers[i + 1]);
        }
        return (HttpServletRequest) Proxy.newProxyInstance(FakeCalls.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRemoteAddr":
                            return remoteAddress;
                        case "getHeader":
                            List<String> values = lines.get((String) args[0]);
                            return values == null ? null : values.get(0);
                        case "getHeaders":
                            return Collections.enumeration(lines.getOrDefault((String) args[0], List.of()));
                        case "toString":
                            return "request from " + remoteAddress + " " + lines;
                        default:
                            throw new UnsupportedOperationException(method.getName().toLowerCase(Locale.ROOT));
                    }
                });
    }

    /** The invocation of {@code method} with {@code arguments}. */
    static InvocationContext invocation(Method method, Object... arguments) {
        return (InvocationContext) Proxy.newProxyInstance(FakeCalls.class.getClassLoader(),
                new Class<?>[] {InvocationContext.class}, (proxy, called, args) -> {
                    switch (called.getName()) {
                        case "getMethod":
                            return method;
                        case "getParameters":
                            return arguments.clone();
                        case "toString":
                            return "invocation of " + method;
                        default:
                            throw new UnsupportedOperationException(called.getName());
                    }
                });
    }

    /** An invocation whose arguments nobody reads. */
    static InvocationContext anyInvocation() {
        try {
            return invocation(Object.class.getMethod("toString"));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
