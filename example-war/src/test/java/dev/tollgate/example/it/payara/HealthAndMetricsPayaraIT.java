package dev.tollgate.example.it.payara;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.TollgateReadiness;
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

    /**
     * The example without its own {@link TollgateReadiness}: on Payara the extension's readiness check is found
     * without the application declaring it.
     */
    @Deployment(testable = false)
    static WebArchive exampleWar() {
        WebArchive war = TestArchives.exampleWar();
        war.deleteClass(TollgateReadiness.class);
        return war;
    }

    @Test
    void readinessReportsTheExtensionsOwnCheck() {
        URI ready = Http.serverRoot(base).resolve("/health/ready");
        HttpResponse<String> response = Http.get(ready);
        System.out.println("Payara Micro readiness: " + ready + " -> " + response.statusCode() + " " + response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsPattern("\"status\"\\s*:\\s*\"UP\"");
        assertThat(Pattern.compile("\"name\"\\s*:\\s*\"tollgate-redis\"").matcher(response.body()).results().count())
                .as("tollgate-redis checks in %s", response.body())
                .isEqualTo(1);
        assertThat(response.body()).containsPattern("\"backend\"\\s*:\\s*\"memory\"");
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
