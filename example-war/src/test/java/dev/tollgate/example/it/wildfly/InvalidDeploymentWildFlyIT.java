package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractInvalidDeploymentIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class InvalidDeploymentWildFlyIT extends AbstractInvalidDeploymentIT {
}
