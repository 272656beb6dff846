package dev.tollgate.internal.metrics;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two counters per limiter ({@code permitted}, {@code rejected}) of {@link RateLimitMetrics#CALLS}, whatever the
 * metrics library: subclasses only say how to create and increment one counter.
 *
 * @param <C> the library's counter type
 */
abstract class LimiterCounters<C> implements RateLimitMetrics {

    private record Pair<C>(C permitted, C rejected) {
    }

    private final Map<String, Pair<C>> counters = new ConcurrentHashMap<>();

    /** Called once, at deployment, before any counter is created: resolve the registry here. */
    protected abstract void connect();

    protected abstract C counter(String limiter, String result);

    protected abstract void increment(C counter);

    @Override
    public void register(Collection<String> limiters) {
        connect();
        limiters.forEach(this::countersOf);
    }

    @Override
    public void record(String limiter, boolean permitted) {
        Pair<C> pair = countersOf(limiter);
        increment(permitted ? pair.permitted() : pair.rejected());
    }

    private Pair<C> countersOf(String limiter) {
        return counters.computeIfAbsent(limiter,
                name -> new Pair<>(counter(name, "permitted"), counter(name, "rejected")));
    }
}
