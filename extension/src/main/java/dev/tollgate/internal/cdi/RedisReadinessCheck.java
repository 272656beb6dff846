package dev.tollgate.internal.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: whether the rate-limit backend's store answers. Up, with {@code backend=memory}, when no Redis is
 * configured; for Redis, up only if a command is answered within the configured timeout. Registered by the
 * extension only when the MicroProfile Health API is present.
 */
@Readiness
@ApplicationScoped
public class RedisReadinessCheck implements HealthCheck {

    static final String NAME = "tollgate-redis";

    @Inject
    RateLimitRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        if (runtime.enforcer() == null) {
            return HealthCheckResponse.named(NAME).down().withData("reason", "not deployed").build();
        }
        var backend = runtime.enforcer().backend();
        var builder = HealthCheckResponse.named(NAME).withData("backend", backend.name());
        try {
            backend.ping();
            return builder.up().build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
