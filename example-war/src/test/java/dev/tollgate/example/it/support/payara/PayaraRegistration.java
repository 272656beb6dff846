package dev.tollgate.example.it.support.payara;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension.ExtensionBuilder;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;

/** Kept apart from {@link PayaraMicroOverrides} so that it is only loaded when the Payara adapter is present. */
final class PayaraRegistration {

    private PayaraRegistration() {
    }

    static void register(ExtensionBuilder builder) {
        builder.override(DeployableContainer.class, PayaraMicroDeployableContainer.class,
                LoopbackPayaraMicroContainer.class);
    }
}
