package dev.tollgate.internal.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts decisions in the application's MicroProfile Metrics registry (Payara). Registered by the extension only
 * when the MicroProfile Metrics API is present. The registry is injected: Payara does not hand it out through
 * {@code CDI.current()}.
 */
@ApplicationScoped
public class MicroProfileRateLimitMetrics implements RateLimitMetrics {

    private static final Metadata CALLS_METADATA = Metadata.builder()
            .withName(CALLS)
            .withDescription("Calls decided by a Tollgate rate limiter, by limiter and result (permitted, rejected)")
            .build();

    @Inject
    Instance<MetricRegistry> registries;

    private volatile MetricRegistry registry;

    /** Per limiter: the permitted counter, then the rejected one. */
    private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();

    /** The API may be present without an implementation behind it (say, the API jar inside a WAR). */
    @Override
    public boolean available() {
        return registries.isResolvable();
    }

    @Override
    public void register(Collection<String> limiters) {
        registry = registries.get();
        limiters.forEach(this::countersOf);
    }

    @Override
    public void record(String limiter, boolean permitted) {
        countersOf(limiter)[permitted ? 0 : 1].inc();
    }

    private Counter[] countersOf(String limiter) {
        return counters.computeIfAbsent(limiter, name -> new Counter[] {
                registry.counter(CALLS_METADATA, new Tag("limiter", name), new Tag("result", "permitted")),
                registry.counter(CALLS_METADATA, new Tag("limiter", name), new Tag("result", "rejected"))});
    }
}
