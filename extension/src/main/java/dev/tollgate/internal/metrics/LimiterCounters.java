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
    private volatile R registry;

    /** The injected registry, which may be unsatisfied. */
    protected abstract Instance<R> registries();

    protected abstract C counter(R registry, String limiter, String result);

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
    public void record(String limiter, boolean permitted) {
        Pair<C> pair = countersOf(limiter);
        increment(permitted ? pair.permitted() : pair.rejected());
    }

    private Pair<C> countersOf(String limiter) {
        return counters.computeIfAbsent(limiter,
                name -> new Pair<>(counter(registry, name, "permitted"), counter(registry, name, "rejected")));
    }
}
