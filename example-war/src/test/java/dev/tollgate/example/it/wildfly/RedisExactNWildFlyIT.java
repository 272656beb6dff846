package dev.tollgate.example.it.wildfly;

import java.net.URI;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import dev.tollgate.example.it.AbstractRedisExactNIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnWildFly;

/** WildFly serves MicroProfile Health on the management port (server-config/wildfly/configure-tollgate.cli). */
@OnWildFly
class RedisExactNWildFlyIT extends AbstractRedisExactNIT {

    @ArquillianResource
    ManagementClient management;

    @Override
    protected URI readiness() {
        return URI.create("http://" + Http.LOOPBACK + ":" + management.getMgmtPort() + "/health/ready");
    }

    /**
     * Known bug, remove this override once fixed: on WildFly 39 the tollgate-redis check is missing from
     * {@code /health/ready} (which lists {@code ready-deployment.redis-exact.war}, WildFly's stand-in for a deployment
     * without readiness checks). The bean exists: the deployment's own BeanManager resolves
     * {@code RedisReadinessCheck} with {@code @Readiness}. But WildFly's health extension collects checks through the
     * BeanManager of its own bean archive, which sees a {@code @Readiness} class in WEB-INF/classes and not this
     * type, added by TollgateExtension with {@code BeforeBeanDiscovery.addAnnotatedType} from a WEB-INF/lib jar that
     * has no beans.xml.
     */
    @Override
    @Test
    @Order(5)
    @Disabled("Tollgate bug: WildFly's MicroProfile Health does not see the tollgate-redis readiness check")
    protected void readinessReportsTheRedisBackendUp() {
        super.readinessReportsTheRedisBackendUp();
    }
}
