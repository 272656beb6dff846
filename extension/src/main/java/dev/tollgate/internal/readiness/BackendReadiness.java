package dev.tollgate.internal.readiness;

import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.resilience.BackendCircuit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether Tollgate's store can serve, as the readiness check reports it: published by the extension once the
 * deployment is validated, asked by {@code dev.tollgate.health.TollgateReadinessCheck} (which only turns the
 * {@link Report} into the MicroProfile Health response).
 *
 * <p>Up while the backend answers a ping. While it does not, up as long as some guarded method's failure modes still
 * serve calls ({@code failure-modes=serving}), since every instance shares the Redis and taking them all out of
 * service would stop the whole application; down only when every guarded method would refuse. While the breaker is
 * open the ping is refused at once rather than waiting for Redis.
 */
public final class BackendReadiness {

    /** The check's outcome and the data it reports. */
    public record Report(boolean up, Map<String, String> data) {

        public Report {
            data = Map.copyOf(data);
        }
    }

    private volatile RateLimitBackend backend;
    private volatile BackendCircuit circuit;
    private volatile boolean servesDuringOutage;

    /**
     * @param circuit            the breaker in front of Redis, {@code null} without Redis
     * @param servesDuringOutage whether some guarded method still serves calls while Redis is unavailable
     */
    public void publish(RateLimitBackend backend, BackendCircuit circuit, boolean servesDuringOutage) {
        this.circuit = circuit;
        this.servesDuringOutage = servesDuringOutage;
        this.backend = backend;
    }

    /** The circuit breaker in front of Redis, shared by both guards; {@code null} without Redis. */
    public BackendCircuit circuit() {
        return circuit;
    }

    public Report check() {
        RateLimitBackend current = backend;
        Map<String, String> data = new LinkedHashMap<>();
        if (current == null) {
            data.put("reason", "not deployed");
            return new Report(false, data);
        }
        data.put("backend", current.name());
        BackendCircuit breaker = circuit;
        if (breaker != null) {
            data.put("breaker", breaker.stateName());
        }
        try {
            current.ping();
            return new Report(true, data);
        } catch (RuntimeException e) {
            data.put("error", String.valueOf(e.getMessage()));
            boolean serving = servesDuringOutage;
            data.put("failure-modes", serving ? "serving" : "refusing");
            return new Report(serving, data);
        }
    }
}
