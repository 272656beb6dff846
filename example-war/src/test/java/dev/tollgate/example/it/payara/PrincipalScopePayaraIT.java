package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractPrincipalScopeIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class PrincipalScopePayaraIT extends AbstractPrincipalScopeIT {
}
