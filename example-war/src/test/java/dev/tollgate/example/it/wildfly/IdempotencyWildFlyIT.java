package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractIdempotencyIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class IdempotencyWildFlyIT extends AbstractIdempotencyIT {
}
