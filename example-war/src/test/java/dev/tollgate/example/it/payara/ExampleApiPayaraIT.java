package dev.tollgate.example.it.payara;

import java.net.URI;
import java.util.Map;

import dev.tollgate.example.it.AbstractExampleApiIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;

/** Payara Micro serves metrics (MicroProfile Metrics 5, Prometheus text) and health on the application's port. */
@OnPayara
class ExampleApiPayaraIT extends AbstractExampleApiIT {

    @Override
    protected URI metricsEndpoint() {
        return Http.serverRoot(base).resolve("/metrics");
    }

    @Override
    protected URI readinessEndpoint() {
        return Http.serverRoot(base).resolve("/health/ready");
    }

    /** MicroProfile Metrics 5 tags every meter with its scope; one Payara Micro runs one deployment. */
    @Override
    protected Map<String, String> deploymentLabels() {
        return Map.of("mp_scope", "application");
    }
}
