package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractInvalidAnnotationIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class InvalidAnnotationWildFlyIT extends AbstractInvalidAnnotationIT {
}
