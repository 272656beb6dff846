package dev.tollgate.example.it.payara;

import java.net.URI;
import java.util.Map;

import dev.tollgate.example.it.AbstractRedisOutageIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;

/** Payara Micro serves MicroProfile Health and Metrics (Prometheus text) on the application's HTTP port. */
@OnPayara
class RedisOutagePayaraIT extends AbstractRedisOutageIT {

    @Override
    protected URI readinessEndpoint() {
        return Http.serverRoot(base).resolve("/health/ready");
    }

    @Override
    protected URI metricsEndpoint() {
        return Http.serverRoot(base).resolve("/metrics?scope=application");
    }

    /** MicroProfile Metrics 5 tags every meter with its scope. */
    @Override
    protected Map<String, String> deploymentLabels() {
        return Map.of("mp_scope", "application");
    }
}
