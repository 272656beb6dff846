package dev.tollgate.example.it.wildfly;

import java.net.URI;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;

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
}
