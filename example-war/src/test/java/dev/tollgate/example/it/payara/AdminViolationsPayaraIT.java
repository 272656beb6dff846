package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractAdminViolationsIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class AdminViolationsPayaraIT extends AbstractAdminViolationsIT {
}
