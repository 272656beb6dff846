package dev.tollgate.example.it.payara;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import dev.tollgate.example.it.AbstractTwoInstancesIT;
import dev.tollgate.example.it.support.OnPayara;
import dev.tollgate.example.it.support.SecondPayaraMicro;

/** Two Payara Micro instances: Arquillian's, and a second one launched by the test. */
@OnPayara
class TwoInstancesPayaraIT extends AbstractTwoInstancesIT {

    @Deployment(testable = false)
    static WebArchive twoInstancesWar() {
        return twoInstances(SecondPayaraMicro::start);
    }
}
