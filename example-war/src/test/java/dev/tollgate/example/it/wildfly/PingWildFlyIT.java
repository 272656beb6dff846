package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractPingIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class PingWildFlyIT extends AbstractPingIT {
}
