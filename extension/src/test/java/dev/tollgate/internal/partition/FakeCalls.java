package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;
import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;

import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Just enough of a call, an HTTP request and an invocation for partition keys: the methods they read. */
final class FakeCalls {

    private FakeCalls() {
    }

    /** A call without HTTP request and without principal. */
    static Call plainCall() {
        return call(null, null);
    }

    static Call call(CallRequest request, String principal) {
        return new FakeCall(request, principal == null ? null : () -> principal, null);
    }

    static Call httpCall(CallRequest request) {
        return call(request, null);
    }

    /** {@code call} as the call of {@code invocation}: its method and arguments, what resolvers see. */
    static Call with(Call call, InvocationContext invocation) {
        return new FakeCall(call.request(), call.principal(), invocation);
    }

    private record FakeCall(CallRequest request, Principal principal, InvocationContext invocation) implements Call {

        @Override
        public Method method() {
            return invocation == null ? null : invocation.getMethod();
        }

        @Override
        public Object[] arguments() {
            return invocation == null ? new Object[0] : invocation.getParameters();
        }

        @Override
        public boolean isCallerInRole(String role) {
            return false;
        }

        @Override
        public String resolve(PartitionKeyResolver resolver) {
            return resolver.resolve(invocation);
        }

        @Override
        public String resolveTier(TierResolver resolver) {
            return resolver.resolveTier(invocation);
        }
    }

    /**
     * A request from {@code remoteAddress} with {@code headers} given as name, value, name, value...; a name given
     * twice makes two header lines. Names are case-insensitive, as in HTTP.
     */
    static CallRequest request(String remoteAddress, String... headers) {
        Map<String, List<String>> lines = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            lines.computeIfAbsent(headers[i], name -> new ArrayList<>()).add(headers[i + 1]);
        }
        return new CallRequest() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/";
            }

            @Override
            public String query() {
                return null;
            }

            @Override
            public String header(String name) {
                List<String> values = lines.get(name);
                return values == null ? null : values.get(0);
            }

            @Override
            public List<String> headers(String name) {
                return lines.getOrDefault(name, List.of());
            }

            @Override
            public String remoteAddress() {
                return remoteAddress;
            }

            @Override
            public Object attribute(String name) {
                return null;
            }

            @Override
            public void setAttribute(String name, Object value) {
                throw new UnsupportedOperationException("setAttribute");
            }

            @Override
            public String toString() {
                return "request from " + remoteAddress + " " + lines;
            }
        };
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
