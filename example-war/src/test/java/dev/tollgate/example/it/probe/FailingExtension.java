package dev.tollgate.example.it.probe;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;

/**
 * A CDI extension that reports a deployment problem the way Tollgate's extension reports an invalid annotation.
 * Stand-in until the real validation exists; then the invalid-deployment tests deploy a resource with
 * {@code @RateLimit(limit = 0)} instead.
 */
public class FailingExtension implements Extension {

    public static final String MESSAGE = "Invalid @RateLimit.limit on x#y(): must be > 0, was 0";

    void validate(@Observes AfterDeploymentValidation event) {
        event.addDeploymentProblem(new DefinitionException(MESSAGE));
    }
}
