package dev.tollgate.internal.cdi;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.util.HashMap;
import java.util.Map;

/**
 * A Weld SE container with the Tollgate extension and the given beans, configured through system properties that
 * are set before it starts and removed when it closes. Each container reads a fresh configuration.
 */
final class TollgateContainer implements AutoCloseable {

    private final WeldContainer container;
    private final Map<String, String> properties;

    private TollgateContainer(WeldContainer container, Map<String, String> properties) {
        this.container = container;
        this.properties = properties;
    }

    static TollgateContainer start(Map<String, String> config, Class<?>... beans) {
        config.forEach(System::setProperty);
        releaseConfig();
        try {
            WeldContainer container = new Weld()
                    .disableDiscovery()
                    .containerId(null)
                    .addExtension(new TollgateExtension())
                    .addBeanClasses(beans)
                    .initialize();
            return new TollgateContainer(container, new HashMap<>(config));
        } catch (RuntimeException e) {
            config.keySet().forEach(System::clearProperty);
            releaseConfig();
            throw e;
        }
    }

    <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    /** Every bean of {@code type} with {@code qualifiers}, for tests that count them. */
    <T> java.util.List<T> all(Class<T> type, java.lang.annotation.Annotation... qualifiers) {
        return container.select(type, qualifiers).stream().toList();
    }

    @Override
    public void close() {
        container.shutdown();
        properties.keySet().forEach(System::clearProperty);
        releaseConfig();
    }

    private static void releaseConfig() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig(loader));
    }
}
