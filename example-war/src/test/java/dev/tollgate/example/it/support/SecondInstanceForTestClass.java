package dev.tollgate.example.it.support;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link SecondInstance} of one test class, stopped after the class whatever happened: the test's
 * {@code @Deployment} method calls {@link #start}, and this extension's {@code afterAll} stops the instance and
 * deletes its files. As with {@link RedisForTestClass} (which explains why an extension), declare it after
 * {@code RedisForTestClass} and before {@code ArquillianExtension}:
 * <pre>
 * &#64;ExtendWith({RedisForTestClass.class, SecondInstanceForTestClass.class, ArquillianExtension.class})
 * </pre>
 * so that the second instance stops after Arquillian has undeployed the first one, and before Redis stops.
 */
public final class SecondInstanceForTestClass implements AfterAllCallback {

    private static SecondInstance current;

    /** Launches an instance (stopping one left by an earlier class, if any). */
    public static synchronized <T extends SecondInstance> T start(Supplier<T> launcher) {
        stop();
        T instance = launcher.get();
        current = instance;
        return instance;
    }

    /** Stops the instance and deletes its files; does nothing if none is running. */
    public static synchronized void stop() {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }
}
