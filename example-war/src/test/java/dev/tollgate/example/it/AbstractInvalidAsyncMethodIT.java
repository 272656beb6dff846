package dev.tollgate.example.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.InvalidAsyncEjb;
import dev.tollgate.example.it.probe.InvalidFutureBean;
import dev.tollgate.example.it.support.DeploymentFailures;
import dev.tollgate.example.it.support.TestArchives;

/**
 * Asynchronous methods whose {@code @RateLimit} Tollgate cannot honour must fail the deployment, saying which method
 * and why, both in one report: the example WAR plus {@link InvalidAsyncEjb} (an EJB {@code @Asynchronous} method
 * keyed by a request header it never sees) and {@link InvalidFutureBean} (a CDI bean method returning a plain
 * {@code Future}). A deployment of its own, apart from {@link AbstractAsyncMethodsIT}'s: Payara Micro runs one
 * process per deployment.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractInvalidAsyncMethodIT {

    static final String INVALID = "invalid-async-method";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = INVALID, managed = false, testable = false)
    static WebArchive invalidAsyncMethods() {
        return TestArchives.exampleWar(INVALID + ".war").addClasses(InvalidAsyncEjb.class, InvalidFutureBean.class);
    }

    @Test
    void asyncMethodsTheGuardsCannotHonourFailTheDeploymentNamingMethodAndReason() {
        DeploymentFailures.assertDeploymentFails(deployer, INVALID)
                .contains("Tollgate found 2 invalid settings")
                .contains("Invalid @RateLimit on " + InvalidAsyncEjb.class.getName() + "#perUser(): key"
                        + " 'header:X-User' reads the HTTP request, which an EJB @Asynchronous method never sees")
                .contains("Invalid @RateLimit on " + InvalidFutureBean.class.getName() + "#later(): it returns"
                        + " java.util.concurrent.Future<java.lang.String>, whose completion Tollgate cannot follow");
    }
}
