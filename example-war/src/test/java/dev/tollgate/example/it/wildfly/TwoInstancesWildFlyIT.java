package dev.tollgate.example.it.wildfly;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import dev.tollgate.example.it.AbstractTwoInstancesIT;
import dev.tollgate.example.it.support.OnWildFly;
import dev.tollgate.example.it.support.SecondWildFly;

/** Two WildFly servers: Arquillian's, and a second one from the same distribution launched by the test. */
@OnWildFly
class TwoInstancesWildFlyIT extends AbstractTwoInstancesIT {

    @Deployment(testable = false)
    static WebArchive twoInstancesWar() {
        return twoInstances(SecondWildFly::start);
    }
}
