package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractInvalidDeploymentIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class InvalidDeploymentPayaraIT extends AbstractInvalidDeploymentIT {
}
