package dev.tollgate.internal.jaxrs;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.AppliedLimit;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.ratelimit.RateLimitResult;
import dev.tollgate.internal.call.CallRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test data and the few container objects the glue touches, backed by maps (no server needed). */
final class Fakes {

    private Fakes() {
    }

    static AppliedLimit fixed(String name, long limit, long windowMillis) {
        return new AppliedLimit(name, LimitPolicy.window(Algorithm.FIXED_WINDOW, limit, windowMillis));
    }

    static AppliedLimit sliding(String name, long limit, long windowMillis) {
        return new AppliedLimit(name, LimitPolicy.window(Algorithm.SLIDING_WINDOW, limit, windowMillis));
    }

    static AppliedLimit bucket(String name, long limit, long windowMillis, long burst) {
        return new AppliedLimit(name, LimitPolicy.tokenBucket(limit, windowMillis, burst));
    }

    static LimitOutcome permitted(long limit, long remaining, long resetMillis, long nextMillis) {
        return new LimitOutcome(true, limit, remaining, resetMillis, 0, nextMillis);
    }

    static LimitOutcome refused(long limit, long remaining, long resetMillis, long retryAfterMillis, long nextMillis) {
        return new LimitOutcome(false, limit, remaining, resetMillis, retryAfterMillis, nextMillis);
    }

    /** An enforced result; the decision is permitted iff every outcome is. */
    static RateLimitResult result(List<AppliedLimit> limits, LimitOutcome... outcomes) {
        return result(true, limits, outcomes);
    }

    static RateLimitResult result(boolean enforced, List<AppliedLimit> limits, LimitOutcome... outcomes) {
        boolean permitted = List.of(outcomes).stream().allMatch(LimitOutcome::permitted);
        return new RateLimitResult(limits, RateLimitDecision.of(permitted, List.of(outcomes)), enforced);
    }

    /** An HttpServletRequest that only keeps attributes, exposed as the map it returns. */
    static CallRequest servletRequest(Map<String, Object> attributes) {
        return proxy(CallRequest.class, (method, args) -> switch (method) {
            case "attribute" -> attributes.get((String) args[0]);
            case "setAttribute" -> attributes.put((String) args[0], args[1]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    /** A request context whose properties are {@code attributes}, as in a servlet container. */
    static ContainerRequestContext requestContext(Map<String, Object> attributes) {
        return proxy(ContainerRequestContext.class, (method, args) -> switch (method) {
            case "getProperty" -> attributes.get((String) args[0]);
            case "setProperty" -> attributes.put((String) args[0], args[1]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    static ContainerResponseContext responseContext(MultivaluedMap<String, Object> headers) {
        return proxy(ContainerResponseContext.class, (method, args) -> switch (method) {
            case "getHeaders" -> headers;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    static Map<String, Object> attributes() {
        return new HashMap<>();
    }

    interface Handler {
        Object invoke(String method, Object[] args);
    }

    static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> method.getName().equals("toString")
                        ? type.getSimpleName() + " fake"
                        : handler.invoke(method.getName(), args)));
    }
}
