package dev.tollgate.example.it.payara;

import java.net.URI;

import dev.tollgate.example.it.AbstractRedisExactNIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;

/** Payara Micro serves MicroProfile Health on the application's HTTP port. */
@OnPayara
class RedisExactNPayaraIT extends AbstractRedisExactNIT {

    @Override
    protected URI readiness() {
        return Http.serverRoot(base).resolve("/health/ready");
    }
}
