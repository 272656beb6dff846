package dev.tollgate.example.it.wildfly;

import java.net.URI;
import java.util.Map;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

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

    /**
     * Known extension bug, to be re-enabled when fixed: WildFly's MicroProfile Health never reports Tollgate's
     * {@code tollgate-redis} check. The extension adds {@code RedisReadinessCheck} with
     * {@code BeforeBeanDiscovery.addAnnotatedType}; the extension jar has no beans.xml, so WildFly puts the bean in a
     * synthetic bean archive ({@code deployment.tollgate-example.war.additionalClasses}) that is visible to the WAR's
     * own bean archives but not to the bean archive of WildFly's health extension (module
     * {@code org.wildfly.extension.microprofile.health-smallrye}), whose {@code BeanManager.createInstance()
     * .select(HealthCheck.class, Readiness.Literal.INSTANCE)} therefore finds no check and reports the default
     * {@code ready-deployment.tollgate-example.war} instead. A {@code @Readiness} bean in {@code WEB-INF/classes} is
     * found (checked by hand). Payara reports the check ({@code ExampleApiPayaraIT}).
     */
    @Override
    @Test
    @Disabled("Tollgate bug on WildFly: the tollgate-redis readiness check is not visible to WildFly's MicroProfile"
            + " Health (see the method's javadoc)")
    protected void readinessReportsTheInMemoryBackend() {
        super.readinessReportsTheInMemoryBackend();
    }
}
