package dev.tollgate.example.it.payara;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;
import dev.tollgate.example.it.support.TestArchives;

/**
 * Payara Micro serves MicroProfile Health and Metrics on the application's HTTP port, next to the deployment:
 * {@code http://127.0.0.1:<port>/health[/ready|/live|/started]} and {@code http://127.0.0.1:<port>/metrics}
 * (Prometheus text; {@code /metrics?scope=application} for the deployment's own metrics).
 */
@ExtendWith(ArquillianExtension.class)
@OnPayara
class HealthAndMetricsPayaraIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive exampleWar() {
        return TestArchives.exampleWar();
    }

    @Test
    void readinessIsUp() {
        URI ready = Http.serverRoot(base).resolve("/health/ready");
        HttpResponse<String> response = Http.get(ready);
        System.out.println("Payara Micro readiness: " + ready + " -> " + response.statusCode() + " " + response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\"").contains("UP");
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> response = Http.get(Http.serverRoot(base).resolve("/health"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("UP");
    }

    @Test
    void metricsEndpointServesPrometheusText() {
        URI metrics = Http.serverRoot(base).resolve("/metrics");
        HttpResponse<String> response = Http.get(metrics);
        System.out.println("Payara Micro metrics: " + metrics + " -> " + response.statusCode() + ", "
                + response.headers().firstValue("Content-Type").orElse("?"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("# TYPE ");
    }
}
