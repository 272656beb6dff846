package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractInvalidAsyncMethodIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class InvalidAsyncMethodWildFlyIT extends AbstractInvalidAsyncMethodIT {
}
