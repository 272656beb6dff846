package dev.tollgate.example.it.payara;

import java.net.URI;

import dev.tollgate.example.it.AbstractMonitoringKitIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;

/** Prometheus scrapes Payara Micro's MicroProfile Metrics at {@code /metrics} on the application's HTTP port. */
@OnPayara
class MonitoringKitPayaraIT extends AbstractMonitoringKitIT {

    @Override
    protected URI metricsEndpoint() {
        return Http.serverRoot(base).resolve("/metrics");
    }
}
