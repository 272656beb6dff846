package dev.tollgate.internal.cdi;

import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.ratelimit.GuardedLimit;
import jakarta.enterprise.inject.spi.Annotated;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Works out at deployment how each guarded method's result arrives ({@link ResultShape}), and reports what the
 * guards cannot honour, naming the method and the type, instead of letting it misbehave at run time.
 *
 * <p>Asynchronous methods are recognised by annotation name, since neither API need be on the class path: EJB's
 * {@code jakarta.ejb.Asynchronous} (on the method or its class), whose interceptors the container runs on its own
 * thread, after the caller's HTTP request is out of sight; and Jakarta Concurrency's
 * {@code jakarta.enterprise.concurrent.Asynchronous}, an interceptor that runs after Tollgate's, on the caller's
 * thread.
 */
final class ResultShapes {

    private static final String EJB_ASYNCHRONOUS = "jakarta.ejb.Asynchronous";
    private static final String CONCURRENCY_ASYNCHRONOUS = "jakarta.enterprise.concurrent.Asynchronous";

    private final Set<Method> ejbAsynchronous = new HashSet<>();
    private final Set<Method> concurrencyAsynchronous = new HashSet<>();

    /** Notes whether {@code method} of {@code type} is asynchronous, while the annotations are at hand. */
    void note(AnnotatedType<?> type, AnnotatedMethod<?> method) {
        if (annotated(method, EJB_ASYNCHRONOUS) || annotated(type, EJB_ASYNCHRONOUS)) {
            ejbAsynchronous.add(method.getJavaMember());
        }
        if (annotated(method, CONCURRENCY_ASYNCHRONOUS)) {
            concurrencyAsynchronous.add(method.getJavaMember());
        }
    }

    /** The shape of a rate-limited method, or {@code null} after reporting why its limits cannot apply. */
    ResultShape rateLimited(Method method, String where, List<GuardedLimit> limits, DeploymentProblems problems) {
        ResultShape shape = shape(method, "@RateLimit", where, problems);
        if (shape != null && ejbAsynchronous.contains(method)) {
            for (GuardedLimit limit : limits) {
                if (limit.key().readsRequest()) {
                    problems.add("Invalid @RateLimit on " + where + ": key '" + limit.settings().key()
                            + "' reads the HTTP request, which an EJB @Asynchronous method never sees (the"
                            + " container runs its interceptors on another thread); limit the resource method that"
                            + " calls it, or key this limit by principal, a parameter or a PartitionKeyResolver");
                    return null;
                }
            }
        }
        return shape;
    }

    /** The shape of an idempotent method, or {@code null} after reporting why its results cannot be kept. */
    ResultShape idempotent(Method method, String where, boolean jaxrs, DeploymentProblems problems) {
        ResultShape shape = shape(method, "@Idempotent", where, problems);
        if (shape == null) {
            return null;
        }
        if (concurrencyAsynchronous.contains(method) && method.getReturnType() == void.class) {
            problems.add("Invalid @Idempotent on " + where + ": an @Asynchronous method returning void ends where"
                    + " Tollgate cannot see it, so its key would be marked done while it still runs; return"
                    + " CompletionStage<Void>");
            return null;
        }
        if (!jaxrs && !shape.typed()) {
            problems.add("Invalid @Idempotent on " + where + ": it returns " + method.getGenericReturnType()
                    .getTypeName() + " without a type argument, so a replay could not read the stored value back;"
                    + " declare the value's type, e.g. CompletionStage<Order>");
            return null;
        }
        return shape;
    }

    private ResultShape shape(Method method, String guard, String where, DeploymentProblems problems) {
        try {
            return ResultShape.of(method, ejbAsynchronous.contains(method));
        } catch (IllegalArgumentException e) {
            problems.add("Invalid " + guard + " on " + where + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean annotated(Annotated annotated, String annotation) {
        return annotated.getAnnotations().stream()
                .anyMatch(present -> present.annotationType().getName().equals(annotation));
    }
}
