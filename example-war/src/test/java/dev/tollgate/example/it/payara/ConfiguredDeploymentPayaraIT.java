package dev.tollgate.example.it.payara;

import java.net.URI;

import dev.tollgate.example.it.AbstractConfiguredDeploymentIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;

/** Payara Micro serves the application's metrics on the application's HTTP port. */
@OnPayara
class ConfiguredDeploymentPayaraIT extends AbstractConfiguredDeploymentIT {

    @Override
    protected URI metrics() {
        return Http.serverRoot(base).resolve("/metrics?scope=application");
    }
}
