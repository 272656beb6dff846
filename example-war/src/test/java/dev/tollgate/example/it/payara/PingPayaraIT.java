package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractPingIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class PingPayaraIT extends AbstractPingIT {
}
