package dev.tollgate.example.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.assertj.core.api.AbstractStringAssert;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.test.api.Deployer;

/**
 * Asserts that a deployment fails, and why.
 *
 * <p>Usage: declare the bad archive as {@code @Deployment(name = "x", managed = false, testable = false)}, inject
 * {@code @ArquillianResource Deployer deployer}, then
 * <pre>
 * DeploymentFailures.assertDeploymentFails(deployer, "x")
 *         .contains("Invalid @RateLimit.limit on com.acme.Res#m(): must be > 0, was 0");
 * </pre>
 * The returned assertion is on {@link #describe(Throwable) all the text} of the thrown exception chain, which
 * for both servers carries the server's own reason:
 * <ul>
 *   <li>WildFly (stock adapter): {@code Cannot deploy invalid-limit.war: {"WFLYCTL0062: Composite operation failed and
 *       was rolled back. Steps that failed:" => {"Operation step-1" => {"WFLYCTL0080: Failed services" =>
 *       {"jboss.deployment.unit.\"invalid-limit.war\".WeldStartService" => "Failed to start service
 *       Caused by: org.jboss.weld.exceptions.DeploymentException: <message>
 *       Caused by: jakarta.enterprise.inject.spi.DefinitionException: <message>"}}}}}.</li>
 *   <li>Payara Micro: the stock adapter does not notice a failed deployment at all (Payara Micro logs it and keeps
 *       running with nothing deployed). {@code LoopbackPayaraMicroContainer} turns the console's
 *       {@code Exception while loading the app : CDI deployment failure:<message> -- <message>} lines into
 *       {@code Cannot deploy invalid-limit.war to Payara Micro: CDI deployment failure:<message> -- <message>}
 *       (and stops that Payara Micro).</li>
 * </ul>
 * With several problems reported at once, both servers carry Weld's {@code Exception List with N exceptions:
 * Exception 0 : jakarta.enterprise.inject.spi.DefinitionException: <message 1> ... Exception 1 : ...} in place of
 * the single message, so every message can be asserted with {@code contains} (checked with two problems).
 * Unlike {@code @ShouldThrowException}, which only checks the exception type, this lets a test check the message.
 */
public final class DeploymentFailures {

    private DeploymentFailures() {
    }

    /** Deploys the named {@code managed = false} deployment; fails unless deploying throws a DeploymentException. */
    public static DeploymentException deployExpectingFailure(Deployer deployer, String deploymentName) {
        Throwable thrown = null;
        try {
            deployer.deploy(deploymentName);
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            try {
                deployer.undeploy(deploymentName);
            } catch (RuntimeException ignored) {
                // the assertion below is the failure that matters
            }
            throw new AssertionError("Deployment '" + deploymentName + "' was expected to fail, but it deployed");
        }
        for (Throwable t : chain(thrown)) {
            if (t instanceof DeploymentException deploymentException) {
                return deploymentException;
            }
        }
        throw new AssertionError("Deployment '" + deploymentName + "' failed, but not with a DeploymentException",
                thrown);
    }

    /** Deploys the named deployment, which must fail; asserts on the text of the failure ({@link #describe}). */
    public static AbstractStringAssert<?> assertDeploymentFails(Deployer deployer, String deploymentName) {
        DeploymentException failure = deployExpectingFailure(deployer, deploymentName);
        String description = describe(failure);
        System.out.println("Deployment '" + deploymentName + "' failed as expected:\n" + description);
        return assertThat(description).as("why deployment '%s' failed", deploymentName);
    }

    /**
     * Every message in the exception's cause chain and suppressed exceptions, one per line, with the servers'
     * escaped line breaks and quotes undone so that a plain message can be searched for.
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain(failure)) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString().replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"");
    }

    private static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> result = new ArrayList<>();
        collect(failure, seen, result);
        return result;
    }

    private static void collect(Throwable t, Set<Throwable> seen, List<Throwable> result) {
        if (t == null || !seen.add(t)) {
            return;
        }
        result.add(t);
        for (Throwable suppressed : t.getSuppressed()) {
            collect(suppressed, seen, result);
        }
        collect(t.getCause(), seen, result);
    }
}
