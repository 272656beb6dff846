package dev.tollgate.internal.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * Counts decisions in the application's MicroProfile Metrics registry (Payara). Registered by the extension only
 * when the MicroProfile Metrics API is present. The registry is injected: Payara does not hand it out through
 * {@code CDI.current()}.
 */
@ApplicationScoped
public class MicroProfileGuardMetrics extends LimiterCounters<MetricRegistry, Counter> {

    private static final Metadata CALLS_METADATA = Metadata.builder()
            .withName(CALLS)
            .withDescription("Calls decided by a Tollgate rate limiter, by limiter and result (permitted, rejected)")
            .build();
    private static final Metadata IDEMPOTENCY_METADATA = Metadata.builder()
            .withName(IDEMPOTENCY_CALLS)
            .withDescription("Calls of Tollgate @Idempotent methods, by method and result (executed, replayed,"
                    + " conflict, mismatch, invalid)")
            .build();

    @Inject
    Instance<MetricRegistry> registries;

    @Override
    protected Instance<MetricRegistry> registries() {
        return registries;
    }

    @Override
    protected Counter counter(MetricRegistry registry, String limiter, String result) {
        return registry.counter(CALLS_METADATA, new Tag("limiter", limiter), new Tag("result", result));
    }

    @Override
    protected Counter idempotencyCounter(MetricRegistry registry, String scope, String result) {
        return registry.counter(IDEMPOTENCY_METADATA, new Tag("method", scope), new Tag("result", result));
    }

    @Override
    protected void increment(Counter counter) {
        counter.inc();
    }

    @Override
    protected void increment(Counter counter, long amount) {
        counter.inc(amount);
    }

    @Override
    protected Counter taggedCounter(MetricRegistry registry, String name, String description, String tag,
                                    String value) {
        return registry.counter(metadata(name, description), new Tag(tag, value));
    }

    @Override
    protected void gauge(MetricRegistry registry, String name, String description, String backend,
                         IntSupplier value) {
        registry.gauge(metadata(name, description), value, IntSupplier::getAsInt, new Tag("backend", backend));
    }

    @Override
    protected LongConsumer timer(MetricRegistry registry, String name, String description, String backend) {
        // With the unit, Payara exports it as tollgate_backend_calls_seconds with mean, max and sum in seconds (its
        // quantiles stay in nanoseconds, as for every Payara timer); without it, mean and max are nanoseconds too.
        Timer timer = registry.timer(Metadata.builder().withName(name).withDescription(description)
                .withUnit(MetricUnits.NANOSECONDS).build(), new Tag("backend", backend));
        return nanos -> timer.update(Duration.ofNanos(nanos));
    }

    private static Metadata metadata(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }
}
