package dev.tollgate.internal.cdi;

import dev.tollgate.health.TollgateReadinessCheck;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tollgate-redis} readiness check as a CDI bean: registered by the extension, or by the application. */
class ReadinessCheckTest {

    /** What a WildFly application declares (see {@link TollgateReadinessCheck}). */
    @Readiness
    @ApplicationScoped
    public static class ApplicationReadiness extends TollgateReadinessCheck {
    }

    /** Any bean: Weld SE refuses to start a container without one. */
    @ApplicationScoped
    public static class SomeBean {
    }

    @Test
    void theExtensionRegistersTheCheckByItself() {
        try (var container = TollgateContainer.start(Map.of(), SomeBean.class)) {
            List<HealthCheck> checks = container.all(HealthCheck.class, Readiness.Literal.INSTANCE);

            assertThat(checks).hasSize(1);
            HealthCheckResponse response = checks.get(0).call();
            assertThat(response.getName()).isEqualTo("tollgate-redis");
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsEntry("backend", "memory");
        }
    }

    @Test
    void anApplicationSubclassReplacesTheExtensionsCheck() {
        try (var container = TollgateContainer.start(Map.of(), ApplicationReadiness.class)) {
            List<HealthCheck> checks = container.all(HealthCheck.class, Readiness.Literal.INSTANCE);

            assertThat(checks).hasSize(1);
            assertThat(checks.get(0)).isInstanceOf(ApplicationReadiness.class);
            HealthCheckResponse response = checks.get(0).call();
            assertThat(response.getName()).isEqualTo("tollgate-redis");
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsEntry("backend", "memory");
        }
    }

    @Test
    void theCheckIsDownWithTheReasonWhenRedisDoesNotAnswer() {
        // A port nobody listens on: the client starts lazily, so the deployment succeeds and the check fails.
        try (var container = TollgateContainer.start(Map.of("tollgate.redis.address", "redis://127.0.0.1:1",
                "tollgate.redis.command-timeout", "300", "tollgate.redis.connect-timeout", "300"), SomeBean.class)) {
            HealthCheckResponse response = container.all(HealthCheck.class, Readiness.Literal.INSTANCE).get(0).call();

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsEntry("backend", "redis").containsKey("error");
        }
    }
}
