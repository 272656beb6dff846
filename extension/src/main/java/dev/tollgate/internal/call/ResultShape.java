package dev.tollgate.internal.call;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;

/**
 * How a guarded method's result arrives, worked out once at deployment: what decides when a rate-limited call may
 * fail as a stage rather than by throwing, and when an idempotent call's record completes.
 *
 * @param kind               how the result arrives
 * @param valueType          the value a caller eventually gets: the return type, or a stage's or future's type
 *                           argument ({@code Object} when the method declares none)
 * @param suspendedParameter the index of the {@code @Suspended AsyncResponse} parameter, or {@code -1}
 */
public record ResultShape(Kind kind, Type valueType, int suspendedParameter) {

    public enum Kind {
        /** Returned by the method (or nothing: {@code void}); the call is over when the method returns. */
        RETURNED,
        /** A {@code CompletionStage} or {@code CompletableFuture}: the call is over when the stage completes. */
        STAGE,
        /**
         * The {@code Future} (or {@code CompletableFuture}) of an EJB {@code @Asynchronous} method: the container
         * runs the interceptors on its own thread, away from the caller, and hands the future's value to the
         * caller; the guards treat the call as synchronous on that thread.
         */
        FUTURE,
        /** Answered through a {@code @Suspended AsyncResponse}: the call is over when the response is resumed. */
        SUSPENDED
    }

    private static final String SUSPENDED_ANNOTATION = "jakarta.ws.rs.container.Suspended";
    /** Reactive types: they may emit many values, or none until subscribed, so no single completion to follow. */
    private static final List<String> REACTIVE_PACKAGES = List.of("org.reactivestreams.", "io.smallrye.mutiny.",
            "reactor.core.publisher.", "io.reactivex.", "kotlinx.coroutines.");

    /**
     * @param ejbAsynchronous whether the method is an EJB {@code @Asynchronous} method, the only kind whose
     *                        {@code Future} is honoured
     * @throws IllegalArgumentException naming the return type and what to use instead, when the guards cannot follow
     *                                  the method's result to its end
     */
    public static ResultShape of(Method method, boolean ejbAsynchronous) {
        Class<?> returned = method.getReturnType();
        Type generic = method.getGenericReturnType();
        int suspended = suspendedParameter(method);
        if (suspended >= 0) {
            if (returned != void.class) {
                throw new IllegalArgumentException("it takes a @Suspended AsyncResponse but returns "
                        + generic.getTypeName() + "; a method that answers through a suspended response returns void");
            }
            return new ResultShape(Kind.SUSPENDED, Object.class, suspended);
        }
        if (ejbAsynchronous && Future.class.isAssignableFrom(returned)) {
            // The container already runs the interceptors on its own thread and waits for the future there.
            if (returned != Future.class && returned != CompletableFuture.class) {
                throw new IllegalArgumentException("it returns " + generic.getTypeName() + "; an EJB @Asynchronous"
                        + " method declares Future (it may return a CompletableFuture) or void");
            }
            return new ResultShape(Kind.FUTURE, typeArgument(generic), -1);
        }
        if (CompletionStage.class.isAssignableFrom(returned)) {
            if (returned != CompletionStage.class && returned != CompletableFuture.class) {
                throw new IllegalArgumentException("it returns " + generic.getTypeName() + ", a stage type of its"
                        + " own that Tollgate cannot build for a refusal or a replay; declare CompletionStage or"
                        + " CompletableFuture");
            }
            return new ResultShape(Kind.STAGE, typeArgument(generic), -1);
        }
        if (Future.class.isAssignableFrom(returned)) {
            throw new IllegalArgumentException("it returns " + generic.getTypeName() + ", whose completion"
                    + " Tollgate cannot follow (only an EJB @Asynchronous method's Future is completed by the"
                    + " container); return CompletionStage or CompletableFuture");
        }
        String reactive = reactiveType(returned);
        if (reactive != null) {
            throw new IllegalArgumentException("it returns " + generic.getTypeName() + ", a reactive type ("
                    + reactive + ") that may complete many times or never; Tollgate guards methods whose result"
                    + " arrives once: return a value, CompletionStage or CompletableFuture");
        }
        return new ResultShape(Kind.RETURNED, generic, -1);
    }

    /** A synchronous method's shape (tests, and methods built without reflection). */
    public static ResultShape returned(Type type) {
        return new ResultShape(Kind.RETURNED, type, -1);
    }

    /** Whether the call may still be running when the method has returned. */
    public boolean later() {
        return kind == Kind.STAGE || kind == Kind.SUSPENDED;
    }

    /** Whether the value the caller eventually gets is nothing ({@code void}, {@code Void}). */
    public boolean nothing() {
        return valueType == void.class || valueType == Void.class;
    }

    /** Whether a stage or future declares the type of its value (a raw one does not). */
    public boolean typed() {
        return valueType != Object.class || kind == Kind.RETURNED;
    }

    private static Type typeArgument(Type generic) {
        if (generic instanceof ParameterizedType parameterized) {
            Type argument = parameterized.getActualTypeArguments()[0];
            if (argument instanceof WildcardType wildcard) {
                return wildcard.getUpperBounds()[0];
            }
            return argument;
        }
        return Object.class;
    }

    private static int suspendedParameter(Method method) {
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation annotation : annotations[i]) {
                if (annotation.annotationType().getName().equals(SUSPENDED_ANNOTATION)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The reactive type {@code type} is or implements, by name (none of them is on Tollgate's class path). */
    private static String reactiveType(Class<?> type) {
        Deque<Class<?>> pending = new ArrayDeque<>(List.of(type));
        Set<Class<?>> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            Class<?> next = pending.pop();
            if (!seen.add(next)) {
                continue;
            }
            if (next == Flow.Publisher.class) {
                return next.getName();
            }
            for (String prefix : REACTIVE_PACKAGES) {
                if (next.getName().startsWith(prefix)) {
                    return next.getName();
                }
            }
            if (next.getSuperclass() != null) {
                pending.push(next.getSuperclass());
            }
            pending.addAll(List.of(next.getInterfaces()));
        }
        return null;
    }
}
