package dev.tollgate.internal.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Counts decisions in the application's MicroProfile Metrics registry (Payara). Registered by the extension only
 * when the MicroProfile Metrics API is present. The registry is injected: Payara does not hand it out through
 * {@code CDI.current()}.
 */
@ApplicationScoped
public class MicroProfileRateLimitMetrics extends LimiterCounters<Counter> {

    private static final Metadata CALLS_METADATA = Metadata.builder()
            .withName(CALLS)
            .withDescription("Calls decided by a Tollgate rate limiter, by limiter and result (permitted, rejected)")
            .build();

    @Inject
    Instance<MetricRegistry> registries;

    private volatile MetricRegistry registry;

    /** The API may be present without an implementation behind it (say, the API jar inside a WAR). */
    @Override
    public boolean available() {
        return registries.isResolvable();
    }

    @Override
    protected void connect() {
        registry = registries.get();
    }

    @Override
    protected Counter counter(String limiter, String result) {
        return registry.counter(CALLS_METADATA, new Tag("limiter", limiter), new Tag("result", result));
    }

    @Override
    protected void increment(Counter counter) {
        counter.inc();
    }
}
