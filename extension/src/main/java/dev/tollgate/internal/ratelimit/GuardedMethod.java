package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.call.ResultShape;

import java.util.List;

/**
 * Everything the guard needs to guard one method, prepared at deployment.
 *
 * @param description   {@code <class>#<method>(<types>)}, for logs
 * @param limits        the enabled limits, at least one
 * @param tiered        whether any limit depends on the caller's tier
 * @param maxWaitMillis how long a refused call may wait for its permits: the shortest wait any enforced limit of
 *                      the method allows, since every one of them must agree to the wait
 * @param enforced      indexes of the limits that are not in shadow mode: the ones clients see
 * @param shape         how the method's result arrives: a refusal is delivered the same way
 */
public record GuardedMethod(String description, List<GuardedLimit> limits, boolean tiered, long maxWaitMillis,
                            int[] enforced, ResultShape shape) {

    public GuardedMethod {
        limits = List.copyOf(limits);
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("a guarded method needs at least one limit: " + description);
        }
    }

    /** The part of {@code result} that clients see: the enforced limits; {@code null} when all are shadows. */
    public RateLimitResult visible(RateLimitResult result) {
        if (enforced.length == limits.size()) {
            return result;
        }
        return enforced.length == 0 ? null : result.select(enforced);
    }

    /** A method that returns its result (tests, benchmarks). */
    public static GuardedMethod of(String description, List<GuardedLimit> limits) {
        return of(description, limits, ResultShape.returned(Object.class));
    }

    public static GuardedMethod of(String description, List<GuardedLimit> limits, ResultShape shape) {
        boolean tiered = limits.stream().anyMatch(limit -> limit.settings().tiered());
        long maxWait = limits.stream().filter(limit -> !limit.settings().shadow())
                .mapToLong(limit -> limit.settings().maxWaitMillis()).min().orElse(0);
        int[] enforced = java.util.stream.IntStream.range(0, limits.size())
                .filter(i -> !limits.get(i).settings().shadow()).toArray();
        return new GuardedMethod(description, limits, tiered, maxWait, enforced, shape);
    }
}
