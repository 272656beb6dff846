package dev.tollgate.example.it.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * WildFly only: proves a deployment can {@code @Inject} the server's Micrometer {@link MeterRegistry} (what
 * Tollgate's Micrometer metrics use) and that a counter registered there counts and is exported.
 *
 * <p>WildFly 39 injects an {@code org.wildfly.extension.micrometer.registry.ApplicationRegistry}: a
 * {@code SimpleMeterRegistry} whose {@code counter(name, tags)}, {@code timer(name, tags)},
 * {@code summary(name, tags)} and {@code gauge(name, tags, obj, fn)} forward to the server's registries (adding a
 * {@code WF_DEPLOYMENT} tag). Meters made with the fluent builders ({@code Counter.builder(..).register(registry)})
 * do <em>not</em> go through those methods: they count, but only in the deployment's private registry, and never
 * reach Prometheus/OTLP (checked by hand on WildFly 39.0.1). Tollgate's Micrometer metrics must use the former.
 */
@Path("meter-probe")
@RequestScoped
public class MeterRegistryProbeResource {

    public static final String COUNTER = "tollgate.probe.calls";

    @Inject
    MeterRegistry registry;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String increment() {
        Counter counter = registry.counter(COUNTER, "result", "permitted");
        counter.increment();
        return registry.getClass().getName() + " " + counter.count();
    }
}
