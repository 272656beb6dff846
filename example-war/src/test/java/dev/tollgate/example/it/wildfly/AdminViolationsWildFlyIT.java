package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractAdminViolationsIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class AdminViolationsWildFlyIT extends AbstractAdminViolationsIT {
}
