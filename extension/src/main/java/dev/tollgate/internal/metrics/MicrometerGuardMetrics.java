package dev.tollgate.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * Counts decisions in the server's Micrometer registry (WildFly, whose {@code micrometer} subsystem makes a
 * {@link MeterRegistry} injectable). Registered by the extension only when Micrometer is present, and used only
 * where MicroProfile Metrics is not. The name keeps its {@code .total}: OTLP exports it as is, the same name as on
 * Payara, and Prometheus's naming convention does not add a second {@code _total}.
 */
@ApplicationScoped
public class MicrometerGuardMetrics extends LimiterCounters<MeterRegistry, Counter> {

    @Inject
    Instance<MeterRegistry> registries;

    @Override
    protected Instance<MeterRegistry> registries() {
        return registries;
    }

    /**
     * Through {@code registry.counter(...)}, not {@code Counter.builder(...).register(registry)}: WildFly exports
     * only meters created by the registry's own methods (checked on WildFly 39; builder-registered meters count but
     * stay in the deployment's private registry).
     */
    @Override
    protected Counter counter(MeterRegistry registry, String limiter, String result) {
        return registry.counter(CALLS, "limiter", limiter, "result", result);
    }

    @Override
    protected Counter idempotencyCounter(MeterRegistry registry, String scope, String result) {
        return registry.counter(IDEMPOTENCY_CALLS, "method", scope, "result", result);
    }

    @Override
    protected void increment(Counter counter) {
        counter.increment();
    }

    @Override
    protected void increment(Counter counter, long amount) {
        counter.increment(amount);
    }

    @Override
    protected Counter taggedCounter(MeterRegistry registry, String name, String description, String tag,
                                    String value) {
        return registry.counter(name, tag, value);
    }

    @Override
    protected void gauge(MeterRegistry registry, String name, String description, String backend,
                         IntSupplier value) {
        registry.gauge(name, Tags.of("backend", backend), value, IntSupplier::getAsInt);
    }

    @Override
    protected LongConsumer timer(MeterRegistry registry, String name, String description, String backend) {
        Timer timer = registry.timer(name, "backend", backend);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
