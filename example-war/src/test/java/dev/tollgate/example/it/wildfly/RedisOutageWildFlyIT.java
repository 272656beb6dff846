package dev.tollgate.example.it.wildfly;

import java.net.URI;
import java.util.Map;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;

import dev.tollgate.example.it.AbstractRedisOutageIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;

/**
 * WildFly serves MicroProfile Health and the Micrometer Prometheus registry on the management port
 * (server-config/wildfly/configure-tollgate.cli, enable-prometheus.cli).
 */
@OnWildFly
class RedisOutageWildFlyIT extends AbstractRedisOutageIT {

    @ArquillianResource
    ManagementClient management;

    private URI managementRoot() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/");
    }

    @Override
    protected URI readinessEndpoint() {
        return managementRoot().resolve("health/ready");
    }

    @Override
    protected URI metricsEndpoint() {
        return managementRoot().resolve("prometheus");
    }

    /** WildFly's registries are server-wide: the deployment's meters carry its name. */
    @Override
    protected Map<String, String> deploymentLabels() {
        return Map.of("WF_DEPLOYMENT", ARCHIVE);
    }
}
