package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractPrincipalScopeIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class PrincipalScopeWildFlyIT extends AbstractPrincipalScopeIT {
}
