package dev.tollgate.internal.metrics;

import jakarta.enterprise.inject.Instance;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two counters per limiter ({@code permitted}, {@code rejected}) of {@link RateLimitMetrics#CALLS}, whatever the
 * metrics library: subclasses only say where the registry comes from and how to create and increment a counter.
 *
 * @param <R> the library's registry type
 * @param <C> the library's counter type
 */
abstract class LimiterCounters<R, C> implements RateLimitMetrics {

    private record Pair<C>(C permitted, C rejected) {
    }

    private final Map<String, Pair<C>> counters = new ConcurrentHashMap<>();
    /** Idempotency counters by scope, then result. */
    private final Map<String, Map<String, C>> idempotency = new ConcurrentHashMap<>();
    private volatile R registry;

    /** The injected registry, which may be unsatisfied. */
    protected abstract Instance<R> registries();

    protected abstract C counter(R registry, String limiter, String result);

    /** A counter of {@link RateLimitMetrics#IDEMPOTENCY_CALLS} with tags {@code method} and {@code result}. */
    protected abstract C idempotencyCounter(R registry, String scope, String result);

    protected abstract void increment(C counter);

    /** The API may be present without an implementation behind it (say, the API jar inside a WAR). */
    @Override
    public boolean available() {
        return registries().isResolvable();
    }

    @Override
    public void register(Collection<String> limiters) {
        registry = registries().get();
        limiters.forEach(this::countersOf);
    }

    @Override
    public void registerIdempotency(Collection<String> scopes) {
        if (registry == null) {
            registry = registries().get();
        }
        scopes.forEach(this::idempotencyCountersOf);
    }

    @Override
    public void recordIdempotency(String scope, String result) {
        C counter = idempotencyCountersOf(scope).get(result);
        if (counter == null) {
            throw new IllegalArgumentException("Unknown idempotency result " + result);
        }
        increment(counter);
    }

    private Map<String, C> idempotencyCountersOf(String scope) {
        return idempotency.computeIfAbsent(scope, name -> {
            Map<String, C> byResult = new java.util.HashMap<>();
            for (String result : IDEMPOTENCY_RESULTS) {
                byResult.put(result, idempotencyCounter(registry, name, result));
            }
            return Map.copyOf(byResult);
        });
    }

    @Override
    public void record(String limiter, boolean permitted) {
        Pair<C> pair = countersOf(limiter);
        increment(permitted ? pair.permitted() : pair.rejected());
    }

    private Pair<C> countersOf(String limiter) {
        return counters.computeIfAbsent(limiter,
                name -> new Pair<>(counter(registry, name, "permitted"), counter(registry, name, "rejected")));
    }
}
