package dev.tollgate.example.it.wildfly;

import java.net.URI;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;

import dev.tollgate.example.it.AbstractMonitoringKitIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;

/**
 * Prometheus scrapes WildFly's Micrometer Prometheus registry at {@code /prometheus} on the management port
 * (server-config/wildfly/enable-prometheus.cli).
 */
@OnWildFly
class MonitoringKitWildFlyIT extends AbstractMonitoringKitIT {

    @ArquillianResource
    ManagementClient management;

    @Override
    protected URI metricsEndpoint() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/prometheus");
    }
}
