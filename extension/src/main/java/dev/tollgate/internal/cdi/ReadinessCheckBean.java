package dev.tollgate.internal.cdi;

import dev.tollgate.health.TollgateReadinessCheck;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.BeanManager;

/**
 * Registers {@link TollgateReadinessCheck} as a bean. A class of its own so that the extension links the
 * MicroProfile Health API only when it is present: the extension calls {@link #add} only then, and
 * {@link #isApplicationSubclass} compares class names without loading the check.
 */
final class ReadinessCheckBean {

    private static final String CHECK = "dev.tollgate.health.TollgateReadinessCheck";

    private ReadinessCheckBean() {
    }

    /** Whether {@code beanClass} is an application's own subclass of the check. */
    static boolean isApplicationSubclass(Class<?> beanClass) {
        if (beanClass.getName().equals(CHECK)) {
            return false;
        }
        for (Class<?> type = beanClass.getSuperclass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(CHECK)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the check with the qualifiers, scope and injection its class declares. */
    static void add(AfterBeanDiscovery event, BeanManager beans) {
        event.addBean().read(beans.createAnnotatedType(TollgateReadinessCheck.class));
    }
}
