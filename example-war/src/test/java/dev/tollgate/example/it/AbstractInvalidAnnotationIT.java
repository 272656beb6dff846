package dev.tollgate.example.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.InvalidRateLimitResource;
import dev.tollgate.example.it.support.DeploymentFailures;
import dev.tollgate.example.it.support.TestArchives;

/**
 * A WAR with invalid {@code @RateLimit}s must not deploy, and the failure must say what is wrong, where, and every
 * problem at once: the example WAR plus {@link InvalidRateLimitResource} ({@code limit = 0} on one method,
 * {@code key = "param:nope"} on another).
 * The pattern for every "invalid configuration fails deployment with message X" test: an unmanaged deployment plus
 * {@link DeploymentFailures#assertDeploymentFails}.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractInvalidAnnotationIT {

    static final String INVALID = "invalid-annotation";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = INVALID, managed = false, testable = false)
    static WebArchive invalidAnnotations() {
        return TestArchives.exampleWar(INVALID + ".war").addClass(InvalidRateLimitResource.class);
    }

    @Test
    void invalidAnnotationsFailTheDeploymentWithEveryMessage() {
        String resource = InvalidRateLimitResource.class.getName();

        DeploymentFailures.assertDeploymentFails(deployer, INVALID)
                .contains("Tollgate found 2 invalid settings")
                .contains("Invalid @RateLimit.limit on " + resource
                        + "#zero(): must be > 0 and <= 1099511627776, was 0")
                .contains("Invalid @RateLimit.key on " + resource + "#unknownParameter(String): ")
                .contains("was 'param:nope'");
    }
}
