package dev.tollgate.example.it;

import jakarta.enterprise.inject.spi.Extension;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.FailingExtension;
import dev.tollgate.example.it.support.DeploymentFailures;
import dev.tollgate.example.it.support.TestArchives;

/**
 * A deployment with an invalid annotation must fail, and the test must see why.
 * The pattern for every "invalid configuration fails deployment with message X" test:
 * an unmanaged deployment plus {@link DeploymentFailures#assertDeploymentFails}.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractInvalidDeploymentIT {

    static final String INVALID = "invalid-limit";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = INVALID, managed = false, testable = false)
    static WebArchive invalidLimit() {
        return TestArchives.exampleWar(INVALID + ".war")
                .addClass(FailingExtension.class)
                .addAsServiceProvider(Extension.class, FailingExtension.class);
    }

    @Test
    void invalidAnnotationFailsTheDeploymentWithItsMessage() {
        DeploymentFailures.assertDeploymentFails(deployer, INVALID)
                .contains(FailingExtension.MESSAGE);
    }
}
