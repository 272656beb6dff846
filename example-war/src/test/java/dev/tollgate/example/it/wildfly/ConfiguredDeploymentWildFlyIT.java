package dev.tollgate.example.it.wildfly;

import java.net.URI;
import java.util.Map;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;

import dev.tollgate.example.it.AbstractConfiguredDeploymentIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;

/**
 * WildFly exports the deployment's Micrometer meters through the Prometheus registry on the management port
 * (server-config/wildfly/enable-prometheus.cli), tagged with the deployment's name.
 */
@OnWildFly
class ConfiguredDeploymentWildFlyIT extends AbstractConfiguredDeploymentIT {

    @ArquillianResource
    ManagementClient management;

    @Override
    protected URI metrics() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/prometheus");
    }

    @Override
    protected Map<String, String> deploymentLabels() {
        return Map.of("WF_DEPLOYMENT", ARCHIVE);
    }
}
