package dev.tollgate.example.it.support.payara;

import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Arquillian extension (META-INF/services) that swaps the Payara Micro adapter's container for
 * {@link LoopbackPayaraMicroContainer}. Does nothing in the WildFly test run, where the Payara adapter is not on
 * the classpath. {@code -Dtollgate.payara.stockAdapter=true} keeps the stock container (to see its behaviour).
 */
public class PayaraMicroOverrides implements LoadableExtension {

    static final String PAYARA_CONTAINER =
            "fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer";

    @Override
    public void register(ExtensionBuilder builder) {
        if (isPresent(PAYARA_CONTAINER) && !Boolean.getBoolean("tollgate.payara.stockAdapter")) {
            PayaraRegistration.register(builder);
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, PayaraMicroOverrides.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
