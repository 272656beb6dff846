package dev.tollgate.health;

import dev.tollgate.internal.cdi.RateLimitRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The {@code tollgate-redis} readiness check: whether Tollgate's store answers. Up, with {@code backend=memory},
 * when no Redis is configured; with Redis, up only if a command is answered within the configured timeout.
 *
 * <p>Tollgate registers this check by itself wherever the MicroProfile Health API is present. <b>On WildFly</b>,
 * the health subsystem only looks for checks among the application's own classes, so an application that wants
 * the check there declares it once, in its own code:
 *
 * <pre>{@code
 * @Readiness
 * @ApplicationScoped
 * public class TollgateReadiness extends TollgateReadinessCheck {
 * }
 * }</pre>
 *
 * Tollgate then registers no check of its own, so there is exactly one {@code tollgate-redis} check on every
 * server. The subclass needs no body; overriding {@link #call()} is possible but not needed.
 */
@Readiness
@ApplicationScoped
public class TollgateReadinessCheck implements HealthCheck {

    /** The check's name in the health report. */
    public static final String NAME = "tollgate-redis";

    @Inject
    RateLimitRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        var backend = runtime.backend();
        if (backend == null) {
            return HealthCheckResponse.named(NAME).down().withData("reason", "not deployed").build();
        }
        var builder = HealthCheckResponse.named(NAME).withData("backend", backend.name());
        try {
            backend.ping();
            return builder.up().build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
