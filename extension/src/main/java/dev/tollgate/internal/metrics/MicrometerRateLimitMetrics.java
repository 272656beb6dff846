package dev.tollgate.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts decisions in the server's Micrometer registry (WildFly, whose {@code micrometer} subsystem makes a
 * {@link MeterRegistry} injectable). Registered by the extension only when MicroProfile Metrics is absent and
 * Micrometer is present. The name keeps its {@code .total}: OTLP exports it as is, the same name as on Payara,
 * and Prometheus's naming convention does not add a second {@code _total}.
 */
@ApplicationScoped
public class MicrometerRateLimitMetrics implements RateLimitMetrics {

    @Inject
    Instance<MeterRegistry> registries;

    private volatile MeterRegistry registry;

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
        countersOf(limiter)[permitted ? 0 : 1].increment();
    }

    private Counter[] countersOf(String limiter) {
        return counters.computeIfAbsent(limiter, name -> new Counter[] {counter(name, "permitted"),
                counter(name, "rejected")});
    }

    /**
     * Through {@code registry.counter(...)}, not {@code Counter.builder(...).register(registry)}: WildFly exports
     * only meters created by the registry's own methods (checked on WildFly 39; builder-registered meters count but
     * stay in the deployment's private registry).
     */
    private Counter counter(String limiter, String result) {
        return registry.counter(CALLS, "limiter", limiter, "result", result);
    }
}
