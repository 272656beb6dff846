package dev.tollgate.example.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.tollgate.testing.RedisProcess;

/**
 * A real {@code redis-server} ({@link RedisProcess}) for one test class's deployment, stopped after the class
 * whatever happened: the test's {@code @Deployment} method calls {@link #start()} (Arquillian builds deployments
 * before any test runs), and this extension's {@code afterAll} stops it.
 *
 * <p>Why an extension and not an {@code @AfterAll} method: Arquillian deploys in its {@code beforeAll} callback, and
 * when that throws (the deployment failed) JUnit skips the class's {@code @AfterAll} methods but still runs every
 * {@code afterAll} callback (checked with JUnit 5.11). Declare it <em>before</em> {@code ArquillianExtension},
 * <pre>
 * &#64;ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
 * </pre>
 * so that, callbacks running in reverse order, Redis stops only after Arquillian has undeployed the application
 * (rather than under a still-connected Redisson client).
 */
public final class RedisForTestClass implements AfterAllCallback {

    private static RedisProcess current;

    /** Starts a fresh server (stopping one left by an earlier class, if any). */
    public static synchronized RedisProcess start() {
        stop();
        try {
            // embedded-redis writes its configuration file there; failsafe points it at target/tmp, which the Payara
            // adapter creates only when it deploys, after the deployment method has run
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create java.io.tmpdir", e);
        }
        current = RedisProcess.start();
        return current;
    }

    /** Stops the server and deletes its directory under {@code target/}; does nothing if none is running. */
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
