package dev.tollgate.health;

import dev.tollgate.internal.readiness.BackendReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The {@code tollgate-redis} readiness check: whether Tollgate's store answers. Up, with {@code backend=memory},
 * when no Redis is configured. With Redis, its data holds the circuit breaker's state ({@code breaker}: CLOSED,
 * OPEN or HALF_OPEN); it is up while Redis answers, and while Redis does not it stays up as long as some guarded
 * method's failure modes still serve calls ({@code failure-modes=serving}: no enforced {@code REJECT} limit, and
 * not {@code @Idempotent} with {@code REJECT}), since every instance shares the Redis and taking them all out of
 * service would stop the whole application. It is down only when every guarded method would refuse
 * ({@code failure-modes=refusing}). While the breaker is open the check does not wait for Redis.
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
    BackendReadiness readiness;

    @Override
    public HealthCheckResponse call() {
        BackendReadiness.Report report = readiness.check();
        var builder = HealthCheckResponse.named(NAME).status(report.up());
        report.data().forEach(builder::withData);
        return builder.build();
    }
}
