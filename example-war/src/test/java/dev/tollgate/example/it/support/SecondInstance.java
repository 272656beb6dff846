package dev.tollgate.example.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.tollgate.testing.RedisServerProcess;

/**
 * A second instance of the application under test: one more server process, started by the test itself (Arquillian
 * manages only the first), serving the same WAR under the same context root on another loopback port. Its files (the
 * WAR, the server's runtime and log files, its console) live in a directory of their own under
 * {@code java.io.tmpdir} ({@code target/tmp} in the build). {@link #close()} stops the server and deletes that
 * directory; {@link #kill()} kills the server's JVM at once (SIGKILL), as a crash would.
 *
 * <p>The process is the server's JVM itself, not a wrapper script, so that {@link #kill()} kills the server.
 */
public abstract class SecondInstance implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String server;
    private final Process process;
    private final Path dir;
    private final Path console;
    private final URL base;
    private final long launched = System.nanoTime();

    /**
     * @param server  what is running, for messages ("Payara Micro")
     * @param process the server's JVM
     * @param dir     the instance's directory, deleted by {@link #close()}
     * @param console the file the process's output goes to
     * @param base    the application's context root on this instance, ending with {@code /}
     */
    protected SecondInstance(String server, Process process, Path dir, Path console, URL base) {
        this.server = server;
        this.process = process;
        this.dir = dir;
        this.console = console;
        this.base = base;
    }

    /** The application's context root on this instance ({@code http://127.0.0.1:<port>/<context root>/}). */
    public URL base() {
        return base;
    }

    /** The process id of the server's JVM. */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits until the application answers {@code GET <base>/<path>} with 200 and returns how long the instance took
     * from its launch. Fails early, with the end of the console, if the server exits or reports a failed deployment.
     */
    public Duration awaitDeployed(String path, Duration timeout) throws InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(Http.resolve(base, path)).timeout(Duration.ofSeconds(10)).GET()
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(this + " exited with status " + process.exitValue()
                        + " before the application answered; console:\n" + consoleTail());
            }
            Optional<String> failure = deploymentFailure();
            if (failure.isPresent()) {
                throw new IllegalStateException(this + " could not deploy the application: " + failure.get()
                        + "\nconsole:\n" + consoleTail());
            }
            try {
                if (CLIENT.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - launched);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(this + ": the application did not answer " + probe.uri() + " within "
                + timeout.toSeconds() + " s; console:\n" + consoleTail());
    }

    /** Why the server could not deploy the application, once it says so; empty while it has not. */
    protected Optional<String> deploymentFailure() {
        return Optional.empty();
    }

    /** Kills the server's JVM at once (SIGKILL: no shutdown, nothing released) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(this + " survived SIGKILL for 30 s");
        }
    }

    /** Stops the server (SIGTERM, SIGKILL after 20 s) if it still runs, and deletes the instance's directory. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RedisServerProcess.deleteDirectory(dir);
        }
    }

    @Override
    public String toString() {
        return "Second " + server + " (pid " + process.pid() + ", " + base + ")";
    }

    /** The last few thousand characters of the server's console. */
    public String consoleTail() {
        try {
            String text = Files.readString(console, StandardCharsets.UTF_8);
            return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
        } catch (IOException e) {
            return "(no console: " + e + ")";
        }
    }

    /** A new empty directory for an instance under {@code java.io.tmpdir}. */
    protected static Path newDirectory(String name) {
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            Files.createDirectories(tmp);
            return Files.createTempDirectory(tmp, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A system property that the build passes to the tests (failsafe's {@code systemPropertyVariables}). */
    protected static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven"
                    + " (mvn verify), whose failsafe configuration passes it");
        }
        return value;
    }

    /** {@code http://127.0.0.1:<port>/<context root>/}, the context root being the archive's name without .war. */
    protected static URL contextRoot(int port, String archiveName) {
        try {
            return new URL("http", Http.LOOPBACK, port, "/" + archiveName.replaceFirst("\\.war$", "") + "/");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(archiveName, e);
        }
    }
}
