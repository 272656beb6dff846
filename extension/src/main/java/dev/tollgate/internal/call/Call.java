package dev.tollgate.internal.call;

import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;

import java.lang.reflect.Method;
import java.security.Principal;

/**
 * One guarded call as the guards see it: built once per call by its interceptor (or by {@code RateLimitStatus},
 * outside any call) and shared by every limit and by both guards, also when a guard goes on with the call on
 * another thread. Everything here was taken from the caller's thread, where the HTTP request and the security
 * context are visible.
 */
public interface Call {

    /** The called method; {@code null} for a status query outside a call. */
    Method method();

    /** The call's arguments; empty for a status query. */
    Object[] arguments();

    /** The authenticated caller, or {@code null} when anonymous. */
    Principal principal();

    /** Whether the caller has {@code role}; {@code false} when anonymous. */
    boolean isCallerInRole(String role);

    /** The HTTP request the call is part of, or {@code null} (an EJB timer, a message, a plain Java caller). */
    CallRequest request();

    /** What {@code resolver} answers for this call (resolvers see the container's invocation, or none). */
    String resolve(PartitionKeyResolver resolver);

    /** What {@code resolver} answers for this call's caller. */
    String resolveTier(TierResolver resolver);

    /**
     * The suspended JAX-RS response the method answers through, when its {@link ResultShape} is
     * {@link ResultShape.Kind#SUSPENDED}; {@code null} otherwise.
     */
    default SuspendedAnswer suspended() {
        return null;
    }
}
