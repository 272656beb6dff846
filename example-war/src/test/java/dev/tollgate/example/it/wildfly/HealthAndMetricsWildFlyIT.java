package dev.tollgate.example.it.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.MeterRegistryProbeResource;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;
import dev.tollgate.example.it.support.TestArchives;

/**
 * What server-config/wildfly/*.cli added: MicroProfile Health on the management port
 * ({@code http://127.0.0.1:<9990+offset>/health/ready}), the Micrometer subsystem with an injectable
 * {@code MeterRegistry}, and (tests only) its Prometheus registry at {@code /prometheus} on the management port.
 */
@ExtendWith(ArquillianExtension.class)
@OnWildFly
class HealthAndMetricsWildFlyIT {

    @ArquillianResource
    URL base;

    @ArquillianResource
    ManagementClient management;

    @Deployment(testable = false)
    static WebArchive exampleWar() {
        return TestArchives.exampleWar().addClass(MeterRegistryProbeResource.class);
    }

    private URI managementRoot() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/");
    }

    @Test
    void readinessIsUpOnTheManagementPort() {
        URI ready = managementRoot().resolve("health/ready");
        HttpResponse<String> response = Http.get(ready);
        System.out.println("WildFly readiness: " + ready + " -> " + response.statusCode() + " " + response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void microProfileHealthAndMicrometerSubsystemsAreConfigured() throws IOException {
        for (String subsystem : new String[] {"microprofile-health-smallrye", "micrometer"}) {
            ModelNode result = management.getControllerClient().execute(
                    Operations.createReadResourceOperation(Operations.createAddress("subsystem", subsystem)));
            assertThat(Operations.isSuccessfulOutcome(result)).as("subsystem %s: %s", subsystem, result).isTrue();
        }
        ModelNode property = management.getControllerClient().execute(Operations.createReadAttributeOperation(
                Operations.createAddress("system-property", "resteasy.preferJacksonOverJsonB"), "value"));
        assertThat(Operations.readResult(property).asString()).isEqualTo("false");
    }

    @Test
    void deploymentsGetAWorkingMeterRegistryScrapedAtPrometheus() {
        HttpResponse<String> first = Http.get(base, "api/meter-probe");
        HttpResponse<String> second = Http.get(base, "api/meter-probe");
        System.out.println("WildFly MeterRegistry: " + second.body());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).endsWith(" 2.0");

        URI prometheus = managementRoot().resolve("prometheus");
        HttpResponse<String> scrape = Http.get(prometheus);
        System.out.println("WildFly Prometheus: " + prometheus + " -> " + scrape.statusCode());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).containsPattern("tollgate_probe_calls_total\\{[^}]*result=\"permitted\"[^}]*\\} 2\\.0");
    }
}
