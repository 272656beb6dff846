package dev.tollgate.example.it.wildfly;

import java.net.URI;
import java.util.Map;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;

import dev.tollgate.example.it.AbstractExampleApiIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;

/**
 * WildFly serves health and the Micrometer Prometheus registry ({@code server-config/wildfly/enable-prometheus.cli})
 * on the management port.
 */
@OnWildFly
class ExampleApiWildFlyIT extends AbstractExampleApiIT {

    @ArquillianResource
    ManagementClient management;

    private URI managementRoot() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/");
    }

    @Override
    protected URI metricsEndpoint() {
        return managementRoot().resolve("prometheus");
    }

    @Override
    protected URI readinessEndpoint() {
        return managementRoot().resolve("health/ready");
    }

    /** WildFly's registries are server-wide: the deployment's meters carry its name. */
    @Override
    protected Map<String, String> deploymentLabels() {
        return Map.of("WF_DEPLOYMENT", "tollgate-example.war");
    }
}
