package dev.tollgate.internal.cdi;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.config.IdempotencySettingsReader;
import dev.tollgate.internal.config.RateLimitSettingsReader;
import dev.tollgate.internal.idempotency.IdempotencySettings;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import dev.tollgate.internal.partition.PartitionKey;
import dev.tollgate.internal.ratelimit.GuardedLimit;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.LimitSettings;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The guarded methods of one deployment: found while beans are discovered ({@link #limited} and {@link #idempotent}
 * note what the annotations say), then resolved once against configuration and validated ({@link #resolve}), every
 * problem reported with the member, the method and the value.
 */
final class GuardedMethods {

    /** A method found with limits, before its settings are resolved. */
    private record Limited(Class<?> beanClass, Method method, List<RateLimit> limits) {
    }

    /** A method found with {@code @Idempotent}, before its settings are resolved. */
    private record Claimed(Class<?> beanClass, Method method, Idempotent annotation) {
    }

    private final List<Limited> limitedFound = new ArrayList<>();
    private final List<Claimed> idempotentFound = new ArrayList<>();
    private final ResultShapes shapes = new ResultShapes();
    private Map<Method, GuardedMethod> limited = Map.of();
    private Map<Method, IdempotentMethod> idempotent = Map.of();

    ResultShapes shapes() {
        return shapes;
    }

    /** Notes {@code method} of {@code beanClass} with its limits, in the order they are declared. */
    void limited(Class<?> beanClass, Method method, List<RateLimit> limits) {
        limitedFound.add(new Limited(beanClass, method, limits));
    }

    void idempotent(Class<?> beanClass, Method method, Idempotent annotation) {
        idempotentFound.add(new Claimed(beanClass, method, annotation));
    }

    /** Resolves every method found; problems go to {@code problems}, and those methods are left out. */
    void resolve(RateLimitSettingsReader limits, PartitionKeyFactory keys, IdempotencySettingsReader claims,
                 DeploymentProblems problems) {
        Map<Method, GuardedMethod> resolved = new LinkedHashMap<>();
        for (Limited found : limitedFound) {
            GuardedMethod method = resolve(found, limits, keys, problems);
            GuardedMethod previous = method == null ? null : resolved.putIfAbsent(found.method(), method);
            if (previous != null && !settingsOf(previous).equals(settingsOf(method))) {
                // One Java method inherited by two beans whose classes configure it differently.
                problems.add("Invalid @RateLimit on " + method.description() + ": the method is inherited by several"
                        + " beans whose limits differ (" + previous.description() + "); declare the limits on the"
                        + " method or on one class only");
            }
        }
        Map<Method, IdempotentMethod> resolvedClaims = new LinkedHashMap<>();
        for (Claimed found : idempotentFound) {
            IdempotencySettings settings = claims.read(found.beanClass(), found.method(), found.annotation(),
                    problems);
            String where = RateLimitSettingsReader.describe(found.beanClass(), found.method());
            boolean jaxrs = JaxRsMethods.isResourceMethod(found.method());
            ResultShape shape = shapes.idempotent(found.method(), where, jaxrs, problems);
            if (settings != null && shape != null) {
                resolvedClaims.putIfAbsent(found.method(), new IdempotentMethod(where, settings, jaxrs, shape));
            }
        }
        limited = resolved;
        idempotent = resolvedClaims;
    }

    private GuardedMethod resolve(Limited found, RateLimitSettingsReader reader, PartitionKeyFactory keys,
                                  DeploymentProblems problems) {
        String where = RateLimitSettingsReader.describe(found.beanClass(), found.method());
        List<GuardedLimit> limits = new ArrayList<>();
        for (LimitSettings settings : reader.read(found.beanClass(), found.method(), found.limits(), problems)) {
            PartitionKey key = keys.parse(settings.key(), found.method(), where);
            if (key != null) {
                limits.add(new GuardedLimit(settings, key));
            }
        }
        ResultShape shape = limits.isEmpty() ? null : shapes.rateLimited(found.method(), where, limits, problems);
        return shape == null ? null : GuardedMethod.of(where, limits, shape);
    }

    /** The rate-limited methods, once resolved. */
    Map<Method, GuardedMethod> limited() {
        return limited;
    }

    /** The idempotent methods, once resolved. */
    Map<Method, IdempotentMethod> idempotent() {
        return idempotent;
    }

    /**
     * Whether some guarded method still serves calls while Redis is unavailable: none of its enforced limits
     * refuses ({@code REJECT}), and it is not {@code @Idempotent} with {@code REJECT}. Readiness stays up then, so
     * that an outage of the shared Redis does not take every instance out of service.
     */
    boolean servesDuringOutage() {
        Set<Method> guarded = new HashSet<>(limited.keySet());
        guarded.addAll(idempotent.keySet());
        for (Method method : guarded) {
            GuardedMethod limits = limited.get(method);
            boolean limitsServe = limits == null || limits.limits().stream().noneMatch(limit ->
                    limit.settings().failureMode() == RateLimit.FailureMode.REJECT && !limit.settings().shadow());
            IdempotentMethod claims = idempotent.get(method);
            boolean claimsServe = claims == null
                    || claims.settings().failureMode() == Idempotent.FailureMode.EXECUTE;
            if (limitsServe && claimsServe) {
                return true;
            }
        }
        return false;
    }

    private static List<LimitSettings> settingsOf(GuardedMethod method) {
        return method.limits().stream().map(GuardedLimit::settings).toList();
    }
}
